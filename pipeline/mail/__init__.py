"""Alert mail: what a change looks like in a message, the messages, and how they travel."""
