"""Protection of personal ID numbers at rest (R-ID-3).

A copy of the database alone must not reveal an ID number: the number is encrypted with a key
from configuration (AES via Fernet), and found again by a keyed hash (HMAC-SHA256), so equal
numbers can be looked up without decrypting anything.

>>> box = PiiBox("test-key")
>>> token = box.encrypt("11010519491231002X")
>>> "11010519491231002X" in token
False
>>> box.decrypt(token)
'11010519491231002X'
>>> box.lookup_hash("11010519491231002x") == box.lookup_hash("11010519491231002X")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet


class PiiBox:
    def __init__(self, key: str) -> None:
        material = hashlib.sha256(("xinyong-pii-enc:" + key).encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(material))
        self._mac_key = hashlib.sha256(("xinyong-pii-mac:" + key).encode()).digest()

    @staticmethod
    def normalise(value: str) -> str:
        return value.strip().upper()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(self.normalise(value).encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._mac_key, self.normalise(value).encode(), hashlib.sha256).hexdigest()
