"""The Slack face: a slack-bolt app over the same engine and router as the terminal.

``app.build_app`` wires listeners (by kind, in ``listeners/``) to the ``Guide`` controller;
``http`` serves it behind a production WSGI server, ``socket`` over Socket Mode, and
``manifest`` prints the app manifest an administrator pastes into Slack.
"""
