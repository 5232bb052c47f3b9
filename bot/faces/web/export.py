"""`frontdesk site DIR`: the review site's public pages as a folder that opens offline.

A board packet: the policy, every flow drawn with its outcomes and quotes, and the comparison,
linked relatively so the folder works from a USB stick or an email attachment. The cases
dashboard and drill results are never exported (they are for signed-in people only). The pages
are rendered by the same application the server runs, through Flask's test client.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bot.config import Config
from bot.content.catalogue import Catalogue


def export_site(catalogue: Catalogue, config: Config, folder: Path,
                library: str | None = None) -> list[Path]:
    """Write the site into ``folder`` (replaced whole); returns the files written."""
    from bot.faces.web.app import EXPORT_PATHS, ReviewSettings, create_review_app

    app = create_review_app(catalogue, config, None,
                            ReviewSettings(session_secret="static-export", oidc=None),
                            library=library)
    pack_id = library or config.library
    routes = [("/review/", EXPORT_PATHS["index"]()), ("/review/policy", EXPORT_PATHS["policy"]()),
              ("/review/flows/", EXPORT_PATHS["flows"]()),
              ("/review/compare/", EXPORT_PATHS["compare_index"]())]
    routes += [(f"/review/flows/{flow_id}", EXPORT_PATHS["flow"](flow_id))
               for flow_id in sorted(catalogue.flows_for(pack_id))]
    routes += [(f"/review/compare/{flow_id}", EXPORT_PATHS["comparison"](flow_id))
               for flow_id in sorted(catalogue.flows)]
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    written: list[Path] = []
    try:
        client = app.test_client()
        for url, relative in routes:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.get_data())
            written.append(folder / relative)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
