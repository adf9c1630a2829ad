from app.modern.sub import (  # grouped
    alpha,  # first
    beta,
)

print(alpha, beta)
