"""Content: policy packs (``knowledge/``) and decision flows (``flows/``) loaded as data."""
