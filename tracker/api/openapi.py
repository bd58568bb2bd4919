"""The OpenAPI 3.1 document of the open-data API, written by hand.

It is the contract: the routes in ``routes.py`` build exactly these shapes, ``tests/test_api.py`` validates
every response against it, and the parameter limits declared here are the ones the routes enforce
(``LEVELS``, ``MAX_ID``, ``MAX_LIMIT``...), so the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any, get_args

from ..baseline.schema import Kind

API_VERSION = "1.0.0"
BASE_PATH = "/api/v1"

LEVELS = ("overall", "instrument", "focus-area", "commitment")
STATES = ("scored", "not-applicable", "not-reported")
MAX_ID = 2_147_483_647  # ids are 32-bit INTEGER columns on PostgreSQL
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_OFFSET = MAX_ID
COUNTRY_CODE_PATTERN = r"^[A-Z]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

Schema = dict[str, Any]
BASELINE_KINDS = get_args(Kind)


# ----------------------------------------------------------------------------- helpers
def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Schema], description: str | None = None, optional: tuple[str, ...] = ()) -> Schema:
    """A closed object: every property listed (and required unless ``optional``), nothing else."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _array(items: Schema, description: str | None = None) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def _string(description: str | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: Schema) -> Schema:
    """``schema`` or null (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    nullable = dict(schema)
    nullable["type"] = [schema["type"], "null"]
    if "enum" in nullable:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
SLUG = _string(pattern=r"^[a-z][a-z0-9-]{0,63}$")
COMMITMENT_ID = _string(pattern=r"^[A-Z]{2,4}-[0-9]{1,2}[A-Z]?$")
COUNTRY_CODE = _string("ISO 3166-1 alpha-2 code (Kosovo: XK).", pattern=COUNTRY_CODE_PATTERN)
PARTIAL_DATE = _string(
    "An ISO 8601 date as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD.", pattern=PARTIAL_DATE_PATTERN
)
DATE = _string(format="date")
DATE_TIME = _string(format="date-time")
LINK = _string("A link relative to this server.", format="uri-reference")
PLAN_SCORE = {"type": "integer", "minimum": 0, "maximum": 100}
PERCENT = {
    "type": ["integer", "null"],
    "minimum": 0,
    "maximum": 100,
    "description": "Covered ÷ measured as a whole percentage; null when nothing is measured.",
}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": "0 to 100; null unless scored."}


# ----------------------------------------------------------------------------- schemas
SCHEMAS: dict[str, Schema] = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "title": _string(),
                    "detail": _string("What went wrong, in words a person can act on."),
                }
            )
        },
        "Every error under /api/ has this shape.",
    ),
    "Index": _obj(
        {
            "name": _string(),
            "version": _string("The version of this API."),
            "description": _string(),
            "links": _obj(
                {
                    "self": LINK,
                    "openapi": LINK,
                    "framework": LINK,
                    "countries": LINK,
                    "cycles": LINK,
                    "scores": LINK,
                    "statistics": LINK,
                    "plans": LINK,
                    "baseline": LINK,
                    "scorecard": _string("A URI template (RFC 6570): a country's scorecard."),
                }
            ),
        }
    ),
    # -- framework -----------------------------------------------------------------------
    "Framework": _obj(
        {
            "version": _string("SHA-256 of the framework's canonical content.", pattern=r"^[0-9a-f]{64}$"),
            "instruments": _array(_ref("Instrument")),
            "focus_areas": _array(_ref("FocusArea")),
            "methodology": _ref("Methodology"),
        },
        "The current commitment framework and scoring methodology.",
    ),
    "Instrument": _obj(
        {
            "id": SLUG,
            "title": _string(),
            "short_title": _string(),
            "kind": _string(enum=["declaration", "statement", "action_plan"]),
            "adopted": _nullable(PARTIAL_DATE),
            "date_status": _string(
                "`uncertain`: `adopted` is the best estimate the sources allow; `not-established`: no date.",
                enum=["established", "uncertain", "not-established"],
            ),
            "date_note": _nullable(_string("Why the date is uncertain or not established.")),
            "adopted_by": _string(),
            "place": _nullable(_string()),
            "other_titles": _array(_string()),
            "summary": _string(),
            "legal_status": _string(),
            "source": _string(),
            "recalls": _array(_string(), "The instruments its preamble recalls."),
            "texts": _array(
                _obj(
                    {
                        "title": _string(),
                        "locator": _string(),
                        "wording": _string(enum=["instrument", "summary", "press-release"]),
                        "date": _nullable(PARTIAL_DATE),
                        "note": _nullable(_string()),
                    }
                ),
                "The texts the instrument was encoded from, and whose words each holds.",
            ),
            "signatories": _obj(
                {
                    "status": _string(
                        "`listed`: the recorded signatures are the record; `not-established`: nobody is recorded "
                        "and it applies to no country; `programme`: not signed by governments, outside their scores.",
                        enum=["listed", "not-established", "programme"],
                    ),
                    "note": _string(),
                }
            ),
            "commitments": _array(_ref("Commitment")),
        }
    ),
    "Commitment": _obj(
        {
            "id": COMMITMENT_ID,
            "title": _string(),
            "text": _string(),
            "passage": _string("Where in the instrument the commitment is made."),
            "quote": _nullable(_string()),
            "focus_areas": _array(SLUG, "Ids of the focus areas the commitment serves (the crosswalk)."),
            "primary_focus_area": _nullable(
                _string(
                    "The one focus area whose score the commitment counts in; null in versions stored before "
                    "primary areas, which count in every area listed.",
                    pattern=r"^[a-z][a-z0-9-]{0,63}$",
                )
            ),
            "passage_from": _nullable(
                _string(
                    "Whether the passage is known from the instrument's text or a summary.",
                    enum=["instrument", "summary", "press-release"],
                )
            ),
            "nature": _nullable(
                _string(
                    "How firmly the instrument words it.",
                    enum=["undertaking", "responsibility", "expressed-need", "agreement", "programme"],
                )
            ),
            "weight": {"type": "integer", "minimum": 0},
            "evidence_guidance": _string(),
            "indicators": _array(SLUG, "Ids of the figures a progress report gives for this commitment."),
        }
    ),
    "FocusArea": _obj(
        {
            "id": SLUG,
            "name": _string(),
            "description": _string(),
            "source": _string(),
            "origin": _string(
                "`project`: an area of this project's own, not one of the Task Force's seven.",
                enum=["task-force", "project"],
            ),
        }
    ),
    "Methodology": _obj(
        {
            "title": _string(),
            "summary": _string(),
            "status_levels": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "points": {"type": "integer", "minimum": 0, "maximum": 100},
                        "description": _string(),
                        "counts": {"type": "boolean", "description": "False: the level earns 0 points (method 2)."},
                    }
                ),
                "From lowest to highest.",
            ),
            "evidence": _obj(
                {
                    "required_above": SLUG,
                    "cap_without_evidence": SLUG,
                    "description": _string(),
                    "kinds": _array(_obj({"id": SLUG, "label": _string(), "description": _string()})),
                    "requirements": _array(
                        _obj({"level": SLUG, "kinds": _array(SLUG), "description": _string()}),
                        "What each level needs beyond any evidence; requirements add up level by level.",
                    ),
                },
                "Status levels above `required_above` count only with evidence; otherwise as `cap_without_evidence`.",
            ),
            "weights": _obj(
                {
                    "min": {"type": "integer", "minimum": 0, "maximum": 100},
                    "max": {"type": "integer", "minimum": 1, "maximum": 100},
                    "description": _string(),
                }
            ),
            "carry_forward": _obj(
                {
                    "enabled": {"type": "boolean"},
                    "description": _string(),
                    "max_cycles": _nullable({"type": "integer", "minimum": 1}),
                }
            ),
            "coverage": _nullable(
                _obj(
                    {
                        "threshold": {"type": "integer", "minimum": 0, "maximum": 100},
                        "rating_from": {"type": "string", "enum": ["reported-only", "conservative"]},
                        "description": _string(),
                    }
                )
            ),
            "version": _string("The method's version, named on every page that shows a score."),
            "exclusions": _array(_obj({"id": SLUG, "description": _string()})),
            "negative_indicators": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "description": _string(),
                        "commitment": COMMITMENT_ID,
                        "indicator": SLUG,
                        "penalty": {"type": "integer", "minimum": 0, "maximum": 100},
                        "rating_cap": SLUG,
                        "trigger": {"type": "string", "enum": ["figure", "finding"]},
                    }
                )
            ),
            "rating_bands": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "min": {"type": "integer", "minimum": 0, "maximum": 100},
                        "description": _string(),
                    }
                )
            ),
            "indicators": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "unit": _string(enum=["persons", "cases", "permits", "places", "facilities", "count"]),
                        "description": _string(),
                        "counts_victims": {
                            "type": "boolean",
                            "description": "The figure counts victims: entries never publish its value.",
                        },
                    }
                )
            ),
        }
    ),
    # -- countries and cycles ------------------------------------------------------------
    "CountryList": _obj({"countries": _array(_ref("Country"))}),
    "Country": _obj(
        {
            "code": COUNTRY_CODE,
            "name": _string("Today's name."),
            "former_names": _array(
                _obj(
                    {
                        "name": _string(),
                        "from": _nullable(PARTIAL_DATE),
                        "until": PARTIAL_DATE,
                        "part_of": _nullable(_string("The state the country was then part of.")),
                        "reference": _nullable(_string("How the instruments referred to it, when not by its name.")),
                        "note": _nullable(_string()),
                    }
                )
            ),
            "code_note": _nullable(_string("Why the code is used, when ISO 3166-1 did not assign it (XK).")),
            "signatures": _array(
                _obj(
                    {
                        "instrument": SLUG,
                        "date": PARTIAL_DATE,
                        "basis": _string(enum=["signed", "participates"]),
                        "source": _string(),
                        "signed_as": _string("The signatory as the source names it."),
                        "how": _string(
                            "`own`: the country signed; `inherited`: a state it succeeded signed; `for`: an "
                            "administration signed for it.",
                            enum=["own", "inherited", "for"],
                        ),
                        "through": _nullable(_string("The historical signatory, when not the country itself.")),
                    }
                ),
                "What binds the country.",
            ),
            "national_action_plan": _nullable(
                _obj({"status": _string(enum=["adopted", "not_recorded"]), "source": _string()})
            ),
            "cycles": _array(
                _ref("CountryCycle"),
                "Every published cycle with the country's overall verified score, the most recent first; "
                "the country has a score in a cycle when its state is `scored`.",
            ),
            "links": _obj({"self": LINK, "scorecard": LINK, "scores": LINK}),
        }
    ),
    "CountryCycle": _obj(
        {
            "id": ID,
            "name": _string(),
            "state": _string(enum=list(STATES)),
            "score": SCORE,
            "rating": _nullable(SLUG),
            "links": _obj({"scorecard": LINK}),
        }
    ),
    "CycleList": _obj({"cycles": _array(_ref("Cycle"), "Published cycles only, the most recent period first.")}),
    "Cycle": _obj(
        {
            "id": ID,
            "name": _string(),
            "period_start": DATE,
            "period_end": DATE,
            "published_at": DATE_TIME,
        }
    ),
    # -- statistics ----------------------------------------------------------------------
    "StatisticsList": _obj(
        {"statistics": _array(_ref("CycleStatistics"), "One document per published cycle, oldest first.")}
    ),
    "StatisticCell": _obj(
        {
            "value": {"type": ["integer", "null"], "minimum": 0, "description": "Null where it is not published."},
            "shown": _string("As published: the count, '<5' (a count from 1 to 4) or 'c' (withheld to protect one)."),
            "mark": _string(enum=["published", "primary", "secondary"]),
        }
    ),
    "CountryStatistic": _obj(
        {
            "country": COUNTRY_CODE,
            "name": _string(),
            "value": {"type": ["integer", "null"], "minimum": 0},
            "shown": _string(),
            "mark": _string(enum=["published", "primary", "secondary"]),
        }
    ),
    "CycleStatistics": _obj(
        {
            "cycle": _obj({"id": ID, "name": _string(), "period_start": DATE, "period_end": DATE}),
            "threshold": {"type": "integer", "minimum": 3, "description": "Counts of people below it are hidden."},
            "countries": _array(_obj({"code": COUNTRY_CODE, "name": _string()}), "Countries that gave statistics."),
            "measures": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "totals": _array(_ref("CountryStatistic")),
                        "region": _nullable(_ref("StatisticCell")),
                        "breakdowns": _array(
                            _obj(
                                {
                                    "id": SLUG,
                                    "label": _string(),
                                    "categories": _array(_obj({"id": _string(), "label": _string()})),
                                    "rows": _array(
                                        _obj(
                                            {
                                                "country": COUNTRY_CODE,
                                                "name": _string(),
                                                "cells": _array(_ref("StatisticCell"), "In the order of categories."),
                                                "total": _ref("StatisticCell"),
                                            }
                                        )
                                    ),
                                    "column_totals": _array(_ref("StatisticCell")),
                                    "total": _nullable(_ref("StatisticCell")),
                                    "not_given": _array(
                                        _string(), "Countries that gave the total but not this breakdown."
                                    ),
                                    "withheld": _array(_string(), "Countries whose breakdown is withheld whole."),
                                }
                            )
                        ),
                    }
                )
            ),
            "capacity": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "kind": _string(enum=["count", "yes-no"]),
                        "people": {"type": "boolean"},
                        "values": _array(_ref("CountryStatistic")),
                        "region": _nullable(_ref("StatisticCell")),
                    }
                )
            ),
        }
    ),
    # -- scores --------------------------------------------------------------------------
    "ScorePage": _obj(
        {
            "scores": _array(_ref("Score"), "Ordered by cycle id, country, level and subject."),
            "total": {"type": "integer", "minimum": 0, "description": "How many scores match the filters."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0},
            "next": _nullable(_string("The next page; null on the last one.", format="uri-reference")),
        }
    ),
    "Score": _obj(
        {
            "cycle_id": ID,
            "country_code": COUNTRY_CODE,
            "level": _string(enum=list(LEVELS)),
            "subject": _string(
                "The instrument, focus-area or commitment id; empty for the overall score.", maxLength=64
            ),
            "state": _string(enum=list(STATES)),
            "score": SCORE,
            "rating": _nullable(SLUG),
            "status": _nullable(_string("A commitment's status as counted (after the evidence rule).")),
            "weight": {"type": "integer", "minimum": 0},
            "reported": {"type": "integer", "minimum": 0},
            "applicable": {"type": "integer", "minimum": 0},
            "carried_from": _nullable(_string("The cycle a carried-forward status comes from.")),
            "comparability_group": _nullable(
                _string(
                    "Scores of one cycle, level and subject may be compared only when this key is the same: the "
                    "countries answer for the same commitments (the instruments counted, joined with '+'). There is "
                    "no overall ranking across groups. Null where nothing applies."
                )
            ),
        },
        "One verified score of a published cycle.",
    ),
    "Scorecard": _obj(
        {
            "country": _obj({"code": COUNTRY_CODE, "name": _string()}),
            "cycle": _ref("Cycle"),
            "framework_version": _string("The framework version the cycle was reported on.", pattern=r"^[0-9a-f]{64}$"),
            "overall": _ref("ScoreDetail"),
            "instruments": _array(_ref("SubjectScore")),
            "focus_areas": _array(_ref("SubjectScore")),
            "commitments": _array(_ref("CommitmentScore")),
        },
        "A country's verified scorecard in a published cycle.",
    ),
    "Explanation": _obj(
        {
            "rules": _array(_obj({"code": _string(), "text": _string()}), "The rules that made the score, in order."),
            "counted": _array(COMMITMENT_ID, "The commitments whose scores make this one."),
            "penalties": _array(SLUG, "The negative indicators that applied."),
        }
    ),
    "ScoreDetail": _obj(
        {
            "state": _string(enum=list(STATES)),
            "score": SCORE,
            "rating": _nullable(SLUG),
            "weight": {"type": "integer", "minimum": 0},
            "reported": {"type": "integer", "minimum": 0},
            "applicable": {"type": "integer", "minimum": 0},
            "explanation": _ref("Explanation"),
        }
    ),
    "SubjectScore": _obj(
        {
            "id": SLUG,
            "title": _string(),
            "state": _string(enum=list(STATES)),
            "score": SCORE,
            "rating": _nullable(SLUG),
            "weight": {"type": "integer", "minimum": 0},
            "reported": {"type": "integer", "minimum": 0},
            "applicable": {"type": "integer", "minimum": 0},
            "explanation": _ref("Explanation"),
        }
    ),
    "CommitmentScore": _obj(
        {
            "id": COMMITMENT_ID,
            "title": _string(),
            "instrument": SLUG,
            "state": _string(enum=list(STATES)),
            "score": SCORE,
            "rating": _nullable(SLUG),
            "status": _nullable(SLUG),
            "weight": {"type": "integer", "minimum": 0},
            "reported": {"type": "integer", "minimum": 0},
            "applicable": {"type": "integer", "minimum": 0},
            "carried_from": _nullable(_string()),
            "explanation": _ref("Explanation"),
            "entry": _nullable(_ref("Entry")),
        }
    ),
    "Entry": _obj(
        {
            "cycle_id": {**ID, "description": "The cycle of the report; an earlier one for a carried-forward status."},
            "reported_status": _nullable(SLUG),
            "assessed_status": _nullable(SLUG),
            "narrative": _nullable(_string()),
            "responsible": _nullable(_string("The responsible body.")),
            "start_date": _nullable(DATE),
            "end_date": _nullable(DATE),
            "budget": _nullable(
                _obj(
                    {"amount": {"type": "integer", "minimum": 0}, "currency": _nullable(_string(pattern="^[A-Z]{3}$"))}
                )
            ),
            "evidence": _array(_ref("Evidence")),
            "figures": _array(
                _obj(
                    {
                        "indicator": SLUG,
                        "value": _nullable({"type": "integer", "minimum": 0}),
                        "shown": _string(
                            "As published: the count, or for a figure that counts victims and "
                            "triggers a negative indicator, 'above zero' or 'none reported'.",
                            pattern="^([0-9]+|above zero|none reported)$",
                        ),
                    }
                ),
                "The figures reported. Figures that count victims (the methodology's indicators with "
                "`counts_victims`) are left out: counts of victims are published only in the victim statistics, "
                "with small counts suppressed. The exception is the figure of a negative indicator "
                "(immediate-deportations), given only as whether it is above zero: its value is null and `shown` "
                "says 'above zero' or 'none reported'.",
            ),
        },
        "What the country reported on the commitment, as accepted by the secretariat.",
    ),
    # -- National Plans of Action --------------------------------------------------------
    "PlanList": _obj(
        {
            "plans": _array(
                _ref("PlanSummary"),
                "One per country with an accepted plan (its newest accepted revision), by country name.",
            )
        }
    ),
    "PlanSummary": _obj(
        {
            "country": _obj({"code": COUNTRY_CODE, "name": _string()}),
            "revision": {"type": "integer", "minimum": 1},
            "accepted_at": _string("When the secretariat accepted this revision.", format="date-time"),
            "illustrative": {
                "type": "boolean",
                "description": "Demonstration data written to show the format: not the country's real plan.",
            },
            "title": _string(),
            "quality_score": {**PLAN_SCORE, "description": "The plan-quality score (see PlanQuality)."},
            "coverage": _obj(
                {
                    "covered": {"type": "integer", "minimum": 0},
                    "measured": {"type": "integer", "minimum": 0},
                    "percent": PERCENT,
                },
                "How many of the commitments the country signed at least one activity implements.",
            ),
            "activity_count": {"type": "integer", "minimum": 1},
            "links": _ref("PlanLinks"),
        },
        "A country's accepted National Plan of Action in brief.",
    ),
    "PlanLinks": _obj(
        {
            "self": LINK,
            "yaml": _string("The plan as the YAML file the tracker stores (`nap export`).", format="uri-reference"),
        }
    ),
    "Plan": _obj(
        {
            "country": _obj({"code": COUNTRY_CODE, "name": _string()}),
            "revision": {"type": "integer", "minimum": 1},
            "accepted_at": DATE_TIME,
            "illustrative": {
                "type": "boolean",
                "description": "Demonstration data written to show the format: not the country's real plan.",
            },
            "title": _string(),
            "status": _string(
                "The plan's own status, as the government gives it.", enum=["draft", "adopted", "expired"]
            ),
            "adopted": _nullable(PARTIAL_DATE),
            "period": _nullable(_obj({"start": PARTIAL_DATE, "end": PARTIAL_DATE}, "The years (or months) it runs.")),
            "document_url": _nullable(_string("The official text.", format="uri")),
            "summary": _nullable(_string()),
            "objectives": _array(_ref("PlanObjective"), "In the plan's order."),
            "quality": _ref("PlanQuality"),
            "coverage": _ref("PlanCoverage"),
            "links": _ref("PlanLinks"),
        },
        "A country's accepted National Plan of Action (its newest accepted revision), with its quality check and "
        "coverage of the regional commitments. Revisions being drafted or reviewed are never shown.",
    ),
    "PlanObjective": _obj({"id": SLUG, "title": _string(), "activities": _array(_ref("PlanActivity"))}),
    "PlanActivity": _obj(
        {
            "id": SLUG,
            "title": _string(),
            "description": _nullable(_string()),
            "responsible": _array(_string(), "The government bodies responsible."),
            "deadline": _nullable(PARTIAL_DATE),
            "timetable": _nullable(_string()),
            "budget": _nullable(
                _obj(
                    {"amount": {"type": "integer", "minimum": 0}, "currency": _string(pattern="^[A-Z]{3}$")},
                    "Whole units of the currency.",
                )
            ),
            "funding_source": _nullable(_string()),
            "indicators": _array(
                _obj(
                    {
                        "name": _string(),
                        "unit": _nullable(_string()),
                        "baseline": _nullable(_string()),
                        "target": _nullable(_string()),
                        "counts_victims": {
                            "type": "boolean",
                            "description": "Its values are counts of victims (the plan says so, or its name or "
                            "unit mentions victims): progress on it is never published, only the victim statistics.",
                        },
                    }
                )
            ),
            "commitments": _array(COMMITMENT_ID, "The regional commitments the activity implements."),
        }
    ),
    "PlanQuality": _obj(
        {
            "score": PLAN_SCORE,
            "formula": _string("How the score is computed from the criteria."),
            "criteria": _array(
                _obj(
                    {
                        "id": SLUG,
                        "label": _string(),
                        "scope": _string(enum=["activity", "plan"]),
                        "met": {"type": "integer", "minimum": 0},
                        "total": {"type": "integer", "minimum": 0},
                        "failing": _array(SLUG, "The activities that miss an activity criterion."),
                    }
                ),
                "The published criteria, in order; the methodology page describes each.",
            ),
        },
        "The plan-quality check.",
    ),
    "PlanCoverage": _obj(
        {
            "commitments_measured": {
                "type": "integer",
                "minimum": 0,
                "description": "The commitments of the instruments the country signed.",
            },
            "covered": {"type": "integer", "minimum": 0},
            "percent": PERCENT,
            "uncovered": _array(COMMITMENT_ID, "The commitments no activity implements."),
            "rows": _array(
                _obj(
                    {
                        "commitment": COMMITMENT_ID,
                        "title": _string(),
                        "activities": _array(SLUG, "The activities that implement it, in the plan's order."),
                    }
                ),
                "The coverage matrix: one row per commitment measured, in the framework's order.",
            ),
        },
        "Which of the country's regional commitments the plan's activities implement.",
    ),
    "BaselineFact": _obj(
        {
            "id": SLUG,
            "countries": _array(COUNTRY_CODE, "Today's countries whose page shows the fact; empty for the region."),
            "scope": _string(
                "country; historical (a state of the time, such as the Federal Republic of Yugoslavia, covering "
                "several of today's countries); or region.",
                enum=["country", "historical", "region"],
            ),
            "name_then": _nullable(_string("The country or state as named at the time.")),
            "kind": _string(enum=list(BASELINE_KINDS)),
            "date": PARTIAL_DATE,
            "when": _string("on; by (held by that date); about (approximate).", enum=["on", "by", "about"]),
            "wording": _string("What was recorded, in our words."),
            "quote": _nullable(_string("The source's own words.")),
            "tip": _nullable(
                _obj(
                    {
                        "tier": _string(
                            "Tier 1, Tier 2, Tier 2 Watch List, Tier 3, unclear, or 'not found in the sources "
                            "consulted' (never a tier)."
                        ),
                        "found": {"type": "boolean"},
                        "assessed_by": _string("Always the US government (US Department of State)."),
                        "assessed_from": DATE,
                        "assessed_to": DATE,
                    },
                    "A US Trafficking in Persons report's tier placement: a US government assessment of the year "
                    "before the report (1 April to 31 March), not a score of this tracker.",
                )
            ),
            "certainty": _string(enum=["established", "uncertain", "conflicting", "not-found"]),
            "note": _nullable(_string("Why a fact is not established, or what else to know.")),
            "historical_note": _nullable(_string("Why a fact of a state of the time is shown for today's countries.")),
            "sources": _array(
                _obj(
                    {
                        "id": SLUG,
                        "title": _string(),
                        "publisher": _string(),
                        "locator": _string("Where in the source: a chapter, a page, a passage."),
                        "url": _nullable(_string(format="uri")),
                    }
                )
            ),
        },
        "A fact others recorded (baseline/): real and cited, never a report to this tracker, never in a score.",
    ),
    "BaselineList": _obj({"facts": _array(_ref("BaselineFact"), "Every fact, in date order.")}),
    "CountryBaseline": _obj(
        {
            "country": _obj({"code": COUNTRY_CODE, "name": _string()}),
            "facts": _array(_ref("BaselineFact"), "The country's own facts and those of a state that covered it."),
            "regional": _array(_ref("BaselineFact"), "Facts about the region as a whole."),
        }
    ),
    "Evidence": _obj(
        {
            "title": _string(),
            "url": _nullable(_string()),
            "page": _nullable(_string()),
            "quote": _nullable(_string()),
            "file": _nullable(
                _obj({"file_name": _string(), "url": LINK}, "An uploaded document: its name and where to fetch it.")
            ),
        }
    ),
}


# ----------------------------------------------------------------------------- parameters and responses
def _query(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PARAMETERS: dict[str, Schema] = {
    "CountryCode": {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": COUNTRY_CODE,
        "description": "The country's ISO 3166-1 alpha-2 code, in capitals.",
    },
    "CycleFilter": _query("cycle", ID, "A published cycle's id."),
    "CountryFilter": _query("country", COUNTRY_CODE, "A country's code."),
    "LevelFilter": _query("level", _string(enum=list(LEVELS)), "One level of scores."),
    "Limit": _query("limit", {**ID, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}, "Page size."),
    "Offset": _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, "Rows to skip."),
    "ScorecardCycle": _query("cycle", ID, "A published cycle's id; the latest published cycle when absent."),
}


DEMONSTRATION_HEADERS: dict[str, Schema] = {
    "X-Tracker-Demonstration": {
        "description": "Sent, as `true`, on every answer while this installation holds demonstration data "
        "(invented reports, figures and scores); absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
DEMONSTRATION_FIELD: Schema = {
    "type": "boolean",
    "const": True,
    "description": "Present, and true, on every answer while this installation holds demonstration data "
    "(invented reports, figures and scores); absent otherwise. The OpenAPI document says it as `x-demonstration`.",
}


def _error(description: str) -> Schema:
    return {
        "description": description,
        "headers": DEMONSTRATION_HEADERS,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


RESPONSES: dict[str, Schema] = {
    "NotModified": {
        "description": "The representation matches the request's If-None-Match or If-Modified-Since: no body. "
        "Responses carry an ETag and Last-Modified for this."
    },
    "BadRequest": _error(
        "A malformed parameter (an id that is not a positive integer, an unknown level, a limit out of range) "
        "or a query parameter this operation does not take."
    ),
    "NotFound": _error(
        "No such country, no such published cycle (an unpublished cycle does not exist here), or no accepted "
        "National Plan of Action."
    ),
    "Unavailable": _error("The commitment framework has not been loaded yet, or the baseline files cannot be read."),
}


def _ok(description: str, schema: str) -> Schema:
    return {
        "description": description,
        "headers": DEMONSTRATION_HEADERS,
        "content": {"application/json": {"schema": _ref(schema)}},
    }


def _operation(
    operation_id: str,
    summary: str,
    schema: str,
    *,
    parameters: tuple[str, ...] = (),
    errors: tuple[str, ...] = (),
    description: str | None = None,
) -> Schema:
    responses: dict[str, Schema] = {"200": _ok(summary, schema), "304": {"$ref": "#/components/responses/NotModified"}}
    responses["400"] = {"$ref": "#/components/responses/BadRequest"}  # unknown query parameters, NUL bytes
    for status, name in (("404", "NotFound"), ("503", "Unavailable")):
        if name in errors:
            responses[status] = {"$ref": f"#/components/responses/{name}"}
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return {"get": operation}


PATHS: dict[str, Schema] = {
    "/": _operation("index", "The API's version and links to every collection", "Index"),
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "The OpenAPI document of this API.",
                    "headers": DEMONSTRATION_HEADERS,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "304": {"$ref": "#/components/responses/NotModified"},
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    },
    "/framework": _operation(
        "framework",
        "The current framework: instruments, commitments, focus areas and methodology",
        "Framework",
        errors=("Unavailable",),
    ),
    "/countries": _operation(
        "countries", "Every country, its signatures and its published cycles", "CountryList", errors=("Unavailable",)
    ),
    "/countries/{code}": _operation(
        "country",
        "One country, its signatures and its published cycles",
        "Country",
        parameters=("CountryCode",),
        errors=("NotFound", "Unavailable"),
    ),
    "/countries/{code}/scorecard": _operation(
        "scorecard",
        "A country's verified scorecard in a published cycle",
        "Scorecard",
        parameters=("CountryCode", "ScorecardCycle"),
        errors=("NotFound",),
        description=(
            "Overall, instrument, focus-area and commitment scores with their explanations, and per commitment "
            "the accepted entry the score rests on. 404 when the country or cycle is unknown, the cycle is not "
            "published, or no cycle is published yet."
        ),
    ),
    "/countries/{code}/plan": _operation(
        "country_plan",
        "A country's accepted National Plan of Action, its quality check and its coverage",
        "Plan",
        parameters=("CountryCode",),
        errors=("NotFound", "Unavailable"),
        description=(
            "Objectives and activities (responsible bodies, deadlines, budgets, indicators and the regional "
            "commitments each implements), the checklist of published quality criteria with the score, and the "
            "coverage matrix against the commitments the country signed. The newest accepted revision: a draft, "
            "a plan under review or an amendment in progress is never shown. 404 for an unknown country or one "
            "with no accepted plan."
        ),
    ),
    "/plans": _operation(
        "plans",
        "Every country's accepted National Plan of Action, in brief",
        "PlanList",
        errors=("Unavailable",),
        description="Quality score, coverage and links to the whole plan and its YAML file.",
    ),
    "/baseline": _operation(
        "baseline",
        "What others recorded, 2000–2005: real, cited facts from public sources",
        "BaselineList",
        errors=("Unavailable",),
        description=(
            "US Trafficking in Persons report tier placements (US government assessments, each of the year before "
            "its report) and dated facts on law, co-ordinators, national plans and shelters, each with its sources "
            "and certainty. Never reports to this tracker and never part of any score."
        ),
    ),
    "/countries/{code}/baseline": _operation(
        "country_baseline",
        "What others recorded about one country, 2000–2005",
        "CountryBaseline",
        parameters=("CountryCode",),
        errors=("NotFound", "Unavailable"),
    ),
    "/cycles": _operation("cycles", "Published reporting cycles", "CycleList"),
    "/statistics": _operation(
        "statistics",
        "Victim statistics of published cycles, with small counts suppressed",
        "StatisticsList",
        parameters=("CycleFilter",),
        errors=("NotFound",),
        description=(
            "Aggregated counts only. Counts of people from 1 to 4 are published as '<5' and further counts are "
            "withheld ('c') so that none can be worked out from the totals. 404 for an unpublished cycle."
        ),
    ),
    "/scores": _operation(
        "scores",
        "Verified scores of published cycles, filtered and paginated",
        "ScorePage",
        parameters=("CycleFilter", "CountryFilter", "LevelFilter", "Limit", "Offset"),
        errors=("NotFound",),
        description="Follow `next` for the following page. 404 for an unknown country or an unpublished cycle.",
    ),
}


# every answer's top level may say it is demonstration data (tracker.installation adds the field)
for _name in {"Error"} | {
    path["get"]["responses"]["200"]["content"]["application/json"]["schema"].get("$ref", "").rsplit("/", 1)[-1]
    for path in PATHS.values()
} - {""}:
    SCHEMAS[_name]["properties"]["demonstration"] = DEMONSTRATION_FIELD

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Commitment Tracker open data",
        "version": API_VERSION,
        "description": (
            "Read-only, published data only: the commitment framework, the verified scores and accepted "
            "reports of published reporting cycles, accepted National Plans of Action, and what others recorded "
            "(real, cited facts of 2000–2005, never scores). Responses are JSON; dates are ISO 8601. While the "
            "installation holds demonstration data, every answer says so: the header X-Tracker-Demonstration: "
            "true and a top-level field demonstration: true."
        ),
    },
    "servers": [{"url": BASE_PATH}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "parameters": PARAMETERS, "responses": RESPONSES},
}


def document() -> dict[str, Any]:
    return DOCUMENT
