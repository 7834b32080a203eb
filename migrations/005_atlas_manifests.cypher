// Atlas CLI links (docs/LINEAGE.md, "Atlas CLI"): one AtlasManifest node per URN, whose write lock serialises the
// transactions resolving links into it; Atlas manifest attestations are found by their URN.
CREATE CONSTRAINT atlas_manifest_urn IF NOT EXISTS FOR (n:AtlasManifest) REQUIRE n.urn IS UNIQUE;
CREATE INDEX attestation_atlas_urn IF NOT EXISTS FOR (n:Attestation) ON (n.atlasUrn);
