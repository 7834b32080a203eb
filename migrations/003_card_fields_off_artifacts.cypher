// Card fields live on each card's own (Attestation)-[:DESCRIBES]->(Artifact) edge (docs/LINEAGE.md, "Card fields"):
// the copies earlier versions wrote onto Artifact nodes had no per-field evidence and outlived revoked cards, so they
// go. The node's name stays: it is also the name the artifact's evidence gave it. Cards ingested before this change
// show again once resubmitted (which writes their DESCRIBES edges). Batched, as a large graph has many carded nodes;
// run again after a crash it finds nothing left to remove.
MATCH (n:Artifact)
WHERE n.ownCard IS NOT NULL OR n.version IS NOT NULL OR n.license IS NOT NULL OR n.sourceUrl IS NOT NULL
   OR n.datasetType IS NOT NULL OR n.sensitiveData IS NOT NULL OR n.modelCard IS NOT NULL
CALL (n) {
  REMOVE n.ownCard, n.version, n.license, n.sourceUrl, n.datasetType, n.sensitiveData, n.modelCard
} IN TRANSACTIONS OF 10000 ROWS;
