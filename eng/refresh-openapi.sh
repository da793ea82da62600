#!/usr/bin/env bash
# Rewrites docs/openapi.json from the document a freshly started system serves at /openapi/v1.json
# (the end-to-end test PublicApiDocumentTests.Docs_openapi_json_is_the_served_document with
# GROWTHKIT_REFRESH_OPENAPI=1). The web app generates its client from that file, so rebuild
# src/GrowthKit.Web afterwards and commit the file with whatever the contract change broke.
set -euo pipefail
cd "$(dirname "$0")/.."
GROWTHKIT_REFRESH_OPENAPI=1 dotnet test tests/GrowthKit.EndToEnd.Tests -nologo \
  --filter "FullyQualifiedName~PublicApiDocumentTests.Docs_openapi_json_is_the_served_document"
git --no-pager diff --stat -- docs/openapi.json
