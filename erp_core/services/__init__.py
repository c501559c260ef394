"""Business operations on the core. Each public function is one transaction, safe to retry."""
