"""Admin services: sign-in, uploads, activation history, gaps, close-the-loop, the quality gate."""
