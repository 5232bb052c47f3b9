"""The terminal face: `frontdesk chat`."""
