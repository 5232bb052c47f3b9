"""frontdesk: patron-privacy guidance for public-library front-line staff.

The package is laid out by job: ``content`` loads policy packs and flows, ``check`` proves
them safe, ``engine`` runs a conversation, ``store`` keeps state, and ``faces`` are thin
adapters (terminal, scripted JSON, Slack) over the same engine.
"""

__version__ = "0.1.0"
