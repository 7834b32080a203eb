// Look-ups the API makes by something other than an identity key.
CREATE INDEX attestation_status IF NOT EXISTS FOR (n:Attestation) ON (n.status);
CREATE INDEX artifact_name IF NOT EXISTS FOR (n:Artifact) ON (n.name);
