"""The admin's "Mailing" screens (guide 6): compose, pending, validation, sent."""
