"""Commitment Tracker: anti-trafficking commitments of South-Eastern Europe, reported, reviewed and scored.

Kept to a docstring so that importing ``tracker.framework`` or ``tracker.scoring`` never pulls in Flask.
"""
