"""The conversation engine: one pure step function shared by every face.

Its API is imported on first use (``bot.lazypackage``): `frontdesk check` walks flows with
``bot.engine.relevance`` and ``bot.engine.walk`` alone, without the step function's readers
(the router's cues and prefill, the redactor).
"""

from typing import TYPE_CHECKING

from bot.lazypackage import lazy_exports

if TYPE_CHECKING:
    from bot.engine.conversation import Conversation, Turn
    from bot.engine.step import View, back, start, start_over, step, view

__all__ = ["Conversation", "Turn", "View", "back", "start", "start_over", "step", "view"]

lazy_exports(__name__, {**{name: "bot.engine.conversation" for name in ("Conversation", "Turn")},
                        **{name: "bot.engine.step" for name in __all__[2:]}})
