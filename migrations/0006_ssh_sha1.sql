-- An SSH host whose user agreed to SHA-1 algorithms for it (ssh-rsa signatures, hmac-sha1): only hosts older
-- than OpenSSH 7.2 need it; every other host keeps the SHA-2-only offer.
ALTER TABLE hosts ADD COLUMN ssh_sha1 INTEGER NOT NULL DEFAULT 0 CHECK (ssh_sha1 IN (0, 1));
