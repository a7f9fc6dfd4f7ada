# Sourced: points the go command at the file proxy of scripts/packaging/go-proxy.sh first and
# the Go module proxy second, and exempts the locally generated modules from the checksum
# database (it has no entry for modules it never served).
_GO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export GOPROXY="file://$_GO_ROOT/.tmp/goproxy,https://proxy.golang.org"
export GONOSUMDB="github.com/cdklabs/cdk-nag-go,github.com/cdklabs/cloud-assembly-schema-go,github.com/cdk-kms-patterns"
