"""Reports and moderation (issue 23): people report what is wrong, admins decide,
the decision is carried out everywhere at once and can be appealed once."""
