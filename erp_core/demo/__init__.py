"""Demo data: a simulated Peruvian retail chain, written in bulk with the services' own rules."""
