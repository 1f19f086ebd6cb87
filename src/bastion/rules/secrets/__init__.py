"""SEC rules: credentials in code, config files, notebooks and repository hygiene (engine: `bastion.secrets`)."""
