"""The conversation engine: one pure step function shared by every face."""

from bot.engine.conversation import Conversation, Turn
from bot.engine.step import View, back, start, start_over, step, view

__all__ = ["Conversation", "Turn", "View", "back", "start", "start_over", "step", "view"]
