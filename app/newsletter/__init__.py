"""Double opt-in newsletter subscriptions and mailings."""
