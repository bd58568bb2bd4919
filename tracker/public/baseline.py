"""The country page's "What others recorded" section reads the baseline through a template global, so
the country page itself only includes ``public/_baseline.html``."""

from ..baseline.present import assessment_text, tier_text, when_text
from ..baseline.schema import CERTAINTY_LABELS, KIND_LABELS
from ..baseline_store import country_baseline
from . import bp

bp.add_app_template_global(country_baseline, "country_baseline")
bp.add_app_template_filter(when_text, "baseline_when")
bp.add_app_template_filter(tier_text, "baseline_tier")
bp.add_app_template_filter(assessment_text, "baseline_assessment")
bp.add_app_template_global(KIND_LABELS, "baseline_kinds")
bp.add_app_template_global(CERTAINTY_LABELS, "baseline_certainties")
