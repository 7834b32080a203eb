// Deploy-time gate (docs/DEPLOY-GATE.md): stored incidents, the audit trail of every change to them, and the
// workloads the admission webhook let in (so an incident opened later can name the workloads it affects).
CREATE CONSTRAINT incident_id IF NOT EXISTS FOR (n:Incident) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT admission_key IF NOT EXISTS FOR (n:Admission) REQUIRE n.key IS UNIQUE;
CREATE INDEX incident_state IF NOT EXISTS FOR (n:Incident) ON (n.state);
CREATE INDEX admission_model IF NOT EXISTS FOR (n:Admission) ON (n.modelDigest);
