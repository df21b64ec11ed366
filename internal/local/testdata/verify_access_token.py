"""Verify a Cognito access token the way a Python API would: PyJWT with PyJWKClient.

Usage: verify_access_token.py TOKEN JWKS_URL ISSUER CLIENT_ID

Fetches the JSON Web Key Set, picks the key by the token's kid, and checks the RS256
signature, iss, exp and iat (Cognito's access token has no aud, so audience is not
checked), then token_use == "access" and client_id as the Cognito developer guide's
"Verifying a JSON web token" says. Prints one JSON object: {"kid", "claims"}.
"""
import json
import sys

import jwt


def main():
    token, jwks_url, issuer, client_id = sys.argv[1:5]
    signing_key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        issuer=issuer,
        options={"verify_aud": False, "require": ["exp", "iat", "iss", "sub"]},
    )
    if claims.get("token_use") != "access":
        sys.exit("token_use %r is not access" % claims.get("token_use"))
    if claims.get("client_id") != client_id:
        sys.exit("client_id %r is not %r" % (claims.get("client_id"), client_id))
    print(json.dumps({"kid": signing_key.key_id, "claims": claims}, sort_keys=True))


if __name__ == "__main__":
    main()
