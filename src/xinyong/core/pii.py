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
import json
from collections.abc import Mapping
from typing import Any

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

    def encrypt_fields(self, fields: Mapping[str, Any]) -> str:
        """Encrypt a record's personal fields as JSON, as given (``encrypt`` normalises one
        number: upper case, which would change the field names).

        >>> box = PiiBox("test-key")
        >>> box.decrypt_fields(box.encrypt_fields({"id_number": "11010519491231002x"}))
        {'id_number': '11010519491231002x'}
        """
        return self._fernet.encrypt(json.dumps(dict(fields), ensure_ascii=False).encode()).decode()

    def decrypt_fields(self, token: str) -> dict[str, Any]:
        """The personal fields of a record. Field names are lower case in every catalog;
        records stored before ``encrypt_fields`` existed had them upper-cased, so they are
        read back in lower case.

        >>> box = PiiBox("test-key")
        >>> box.decrypt_fields(box.encrypt('{"id_number": "1101"}'))
        {'id_number': '1101'}
        """
        data = json.loads(self.decrypt(token))
        return {str(key).lower(): value for key, value in data.items()}

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._mac_key, self.normalise(value).encode(), hashlib.sha256).hexdigest()
