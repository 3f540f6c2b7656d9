"""The contact form: a message to a programme's coordinators, read in their inbox."""
