// The gate's GraphQL SDL (schema/stored-incident.graphql, deployment-decision.graphql, mutation.graphql): every
// type, field and enum value described, as docs/ARCHITECTURE.md asks of every schema file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType } from 'graphql';
import { loadTypeDefs } from '../../../src/api/index.ts';

describe('the gate SDL', () => {
  it('describes every type, field and enum value', () => {
    const schema = buildSchema(loadTypeDefs().join('\n'));
    const names = ['Incident', 'IncidentState', 'IncidentCover', 'AuditEvent', 'OpenIncidentInput', 'AdmittedWorkload'];
    for (const name of [...names, 'DeploymentDecision', 'DecisionReason', 'DecisionPathStep', 'Mutation']) {
      const type = schema.getType(name);
      assert.ok(type?.description, name);
      if (type instanceof GraphQLObjectType || type instanceof GraphQLInputObjectType)
        for (const field of Object.values(type.getFields())) assert.ok(field.description, `${name}.${field.name}`);
      if (type instanceof GraphQLEnumType)
        for (const value of type.getValues()) assert.ok(value.description, `${name}.${value.name}`);
    }
    const query = schema.getQueryType()?.getFields() ?? {};
    for (const field of ['deploymentDecision', 'incidents', 'incident', 'incidentWorkloads'])
      assert.ok(query[field]?.description, field);
  });
});
