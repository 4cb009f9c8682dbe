"""``send.php``: plain sends, lists, costs, and every message kind."""
