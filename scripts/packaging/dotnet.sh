#!/usr/bin/env bash
# package:dotnet. With a .NET SDK (the release workflow sets one up), jsii-pacmak builds the
# NuGet package into dist/dotnet. Without one (this project's machines: NuGet and Microsoft's
# package feeds are not reachable, so no SDK can be installed), it generates the C# sources
# into .tmp/dotnet, which proves the code generation, and says so: dist/dotnet is not built.
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v dotnet >/dev/null; then
  exec npx jsii-pacmak -v --target dotnet
fi
rm -rf .tmp/dotnet
npx jsii-pacmak --target dotnet --code-only --outdir .tmp/dotnet
echo "package:dotnet: no .NET SDK (dotnet) on this machine: C# sources generated into .tmp/dotnet; dist/dotnet NOT built (the release workflow builds it)" >&2
