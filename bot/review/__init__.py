"""Review and practice: diagrams, cross-library comparison, policy drift, flow ownership,
forms, drills and the director's digest. Everything here reads the catalogue; nothing here
changes how a conversation is answered."""
