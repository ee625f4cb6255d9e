"""One throttle for every credential: log-in, sign-up, join codes and room joins."""
