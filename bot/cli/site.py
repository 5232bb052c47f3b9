"""`frontdesk site DIR`: the review site as a static folder (DIR/index.html), for offline use."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import clear_errors, config_option, content_option, fail, load_catalogue
from bot.config import ConfigError, load_config


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--library", default=None, help="Library (pack) id (default: the config's).")
@config_option
@content_option
@clear_errors
def site(folder: Path, library: str | None, config_path: Path | None,
         content: Path | None) -> None:
    """Write the review site's public pages to FOLDER: policy, flows drawn, comparison.

    It opens offline (a board packet). Cases and drills are only on the served site.
    """
    from bot.faces.web import export_site

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
    catalogue = load_catalogue(content or config.content)
    catalogue.pack(library or config.library)
    try:
        written = export_site(catalogue, config, folder, library)
    except OSError as exc:
        fail(f"{folder}: cannot write there ({exc.strerror or exc})")
    size = sum(path.stat().st_size for path in written)
    click.echo(f"wrote {len(written)} pages ({size / 1024:.0f} KiB) to {folder}; "
               f"open {folder / 'index.html'}")
