"""PAT: dangerous calls and settings visible in one place."""
