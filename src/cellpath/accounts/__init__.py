"""Who may do what: users, sites, role memberships, MFA, sign-in throttling and the audit log."""
