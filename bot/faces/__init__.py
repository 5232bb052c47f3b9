"""Faces: thin adapters that render the engine's views (terminal, scripted JSON, Slack)."""
