"""Authoring a library's policy pack: `frontdesk pack new LIBRARY-ID --policy FILE`.

``normalise`` turns pasted text into ``policy.txt`` (markup removed, no word changed),
``outline`` proposes clauses from the policy's own headings and list labels, ``facts`` holds the
fact registry and suggests the clauses likely to answer each fact, and ``wizard`` asks a person
through it all and writes the pack.
"""
