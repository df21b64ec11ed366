"""Verify an ALB x-amzn-oidc-data token the way AWS's documentation says to.

Usage: verify_alb_token.py TOKEN KEY_ENDPOINT_BASE EXPECTED_SIGNER

Follows the ALB user guide's Python sample: decode the header with base64 (the ALB
pads its segments), read kid and signer, fetch the PEM public key from
<endpoint>/<kid>, then jwt.decode(token, pub_key, algorithms=['ES256']). Some PyJWT
versions refuse the padding (jpadilla/pyjwt#1209); then the signature is checked with
`cryptography` directly over the padded "header.payload" bytes, r||s converted to DER.
Set FORCE_CRYPTOGRAPHY=1 to take the cryptography path. Prints one JSON object: {"path": "pyjwt"|"cryptography", "kid", "signer", "claims"}.
"""
import base64
import json
import os
import sys
import time
import urllib.request

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(seg):
    # The segments are base64url with padding; add padding if a segment lacks it.
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


def main():
    token, endpoint, expected_signer = sys.argv[1], sys.argv[2], sys.argv[3]
    header_seg, payload_seg, sig_seg = token.split(".")
    header = json.loads(b64(header_seg).decode("utf-8"))
    kid, signer = header["kid"], header["signer"]
    if signer != expected_signer:
        sys.exit("signer %r is not the expected load balancer %r" % (signer, expected_signer))
    if header.get("alg") != "ES256":
        sys.exit("alg %r is not ES256" % header.get("alg"))

    with urllib.request.urlopen(endpoint.rstrip("/") + "/" + kid, timeout=5) as resp:
        pub_pem = resp.read()

    try:
        if os.environ.get("FORCE_CRYPTOGRAPHY") == "1":
            raise jwt.exceptions.DecodeError("FORCE_CRYPTOGRAPHY=1")
        claims = jwt.decode(token, pub_pem, algorithms=["ES256"])
        path = "pyjwt"
    except jwt.exceptions.InvalidSignatureError:
        sys.exit("PyJWT: signature does not verify")
    except jwt.exceptions.DecodeError as e:
        # PyJWT refused the padded token (e.g. "Invalid crypto padding", PyJWT 2.14):
        # verify exactly as the ALB signs.
        sys.stderr.write("PyJWT refused the token (%s); verifying with cryptography\n" % e)
        key = serialization.load_pem_public_key(pub_pem)
        raw = b64(sig_seg)
        if len(raw) != 64:
            sys.exit("signature is %d bytes, want 64 (r||s)" % len(raw))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        key.verify(der, (header_seg + "." + payload_seg).encode("ascii"), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(b64(payload_seg))
        if claims.get("exp", 0) <= time.time():
            sys.exit("token is expired")
        path = "cryptography"

    if int(header["exp"]) <= time.time():
        sys.exit("header exp %s is in the past" % header["exp"])
    print(json.dumps({"path": path, "kid": kid, "signer": signer, "claims": claims}, sort_keys=True))


if __name__ == "__main__":
    main()
