from app.oldpkg.sub import (  # grouped
    alpha,  # first
    beta,
)

print(alpha, beta)
