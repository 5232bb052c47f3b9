"""The review site: flows, policy, comparison and (signed in) cases, for the people accountable.

``create_review_app`` is the Flask application ``frontdesk serve --http`` mounts at
``/review/``; ``export_site`` writes the public pages as a static folder that opens offline
(``frontdesk site DIR``). Both render the same jinja2 templates (autoescaped) from the view models
in ``pages``; the face only renders, the content and the figures come from the catalogue and the
review modules.
"""

from bot.faces.web.app import ReviewSettings, create_review_app
from bot.faces.web.export import export_site

__all__ = ["ReviewSettings", "create_review_app", "export_site"]
