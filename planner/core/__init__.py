"""Knows no feature: errors, permissions, audit, notifications, time, security headers."""
