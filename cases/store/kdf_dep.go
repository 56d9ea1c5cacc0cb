package store

import _ "golang.org/x/crypto/argon2"
