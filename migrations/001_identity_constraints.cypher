// Identity keys of the lineage graph (docs/GRAPH.md). Community edition has uniqueness constraints only;
// each one also gives MERGE a lock, so concurrent workers cannot create duplicates.
CREATE CONSTRAINT artifact_digest IF NOT EXISTS FOR (n:Artifact) REQUIRE n.digest IS UNIQUE;
CREATE CONSTRAINT attestation_digest IF NOT EXISTS FOR (n:Attestation) REQUIRE n.digest IS UNIQUE;
CREATE CONSTRAINT key_fingerprint IF NOT EXISTS FOR (n:Key) REQUIRE n.fingerprint IS UNIQUE;
CREATE CONSTRAINT identity_key IF NOT EXISTS FOR (n:Identity) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT certificate_fingerprint IF NOT EXISTS FOR (n:Certificate) REQUIRE n.fingerprint IS UNIQUE;
CREATE CONSTRAINT package_purl IF NOT EXISTS FOR (n:Package) REQUIRE n.purl IS UNIQUE;
CREATE CONSTRAINT pipeline_run_id IF NOT EXISTS FOR (n:PipelineRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT builder_id IF NOT EXISTS FOR (n:Builder) REQUIRE n.id IS UNIQUE;
