// GraphQL limits, checked before any resolver runs, so one request cannot ask for an unbounded tree, millions of rows
// or a thousand graph traversals. Three gates, each linear in the size of the request (docs/OPERATIONS.md):
//  1. before parsing, the query text's bracket nesting: a query nested thousands deep would overflow the parser's stack;
//  2. before validation, the selection depth and the number of traversal fields per operation;
//  3. before execution (variables known), the cost: every field counts 1, a field with a page size (`first`)
//     multiplies what it selects by that size, and a traversal adds the work it can do (per hop of `maxDepth`).
// Fragments are measured once each and reused at every spread, so the work never grows with how often one is spread.
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_DEPTH } from '../graph/index.ts';
import { MAX_PAGE } from './resolvers/pagination.ts';

export interface QueryLimits {
  /** deepest selection (GRAPHQL_MAX_DEPTH). */
  readonly maxDepth: number;
  /** largest cost (GRAPHQL_MAX_COST). */
  readonly maxCost: number;
  /** most traversal fields (lineage, incidentTrace, modelsTrainedOn, aiBom, deploymentDecision, incidentWorkloads) in one operation (GRAPHQL_MAX_TRAVERSALS). */
  readonly maxTraversals: number;
}

/** The work a traversal field can do, priced by the depth it may walk (maxDepth, 1–20) or as a whole document. */
export const HOP_COST = 100;
export const BOM_COST = 2000;
const TRAVERSALS: Readonly<Record<string, 'hops' | 'bom'>> = {
  lineage: 'hops',
  incidentTrace: 'hops',
  incidentWorkloads: 'hops',
  // walks up to 20 hops upstream (the policy's upstreamDepth), priced at that most
  deploymentDecision: 'hops',
  modelsTrainedOn: 'hops',
  aiBom: 'bom',
};

/** Most tokens a query may have: parsing work is bounded before the parser starts. */
export const MAX_TOKENS = 20_000;
/** Most fragments spread inside one another (a chain of spreads adds no depth, but each is a step to measure). */
const MAX_SPREAD_NESTING = 50;

export interface Measure {
  readonly depth: number;
  readonly cost: number;
  readonly traversals: number;
}

/** Above this every cost is the same: refused. Keeps sums and products finite. */
const COST_CEILING = 1e15;
const capped = (n: number): number => Math.min(n, COST_CEILING);

/**
 * Gate 1: the deepest nesting of `{`, `[` and `(` in a GraphQL source text, outside strings and comments. Selection
 * depth, input objects and lists all nest brackets, so a query within the depth limit nests at most a few times that.
 */
export function bracketNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x7b || c === 0x5b || c === 0x28) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth = Math.max(0, depth - 1);
    } else if (c === 0x23) {
      // # comment to the end of the line
      while (i < source.length && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22) {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end < 0 ? source.length : end + 2;
      } else {
        for (i++; i < source.length; i++) {
          const d = source.charCodeAt(i);
          if (d === 0x5c) i++;
          else if (d === 0x22 || d === 0x0a) break;
        }
      }
    }
  }
  return deepest;
}

/** Most bracket nesting accepted before parsing, for a selection depth limit. */
export function maxNesting(limits: QueryLimits): number {
  return 2 * limits.maxDepth + 16;
}

/** Gate 1 as a parse function: refuses too-deep text, then parses with a token limit. */
export function limitedParse(source: string, limits: QueryLimits): DocumentNode {
  const nesting = bracketNesting(source);
  if (nesting > maxNesting(limits)) {
    throw new GraphQLError(`the query nests brackets ${nesting} deep; at most ${maxNesting(limits)} are accepted`, {
      extensions: { code: 'QUERY_TOO_DEEP' },
    });
  }
  try {
    return parse(source, { maxTokens: MAX_TOKENS });
  } catch (error) {
    if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
      throw new GraphQLError(`the query has more than ${MAX_TOKENS} tokens`, { extensions: { code: 'QUERY_TOO_COSTLY' } });
    }
    throw error;
  }
}

/**
 * Depth, cost and traversal count of one operation. `variables` are the request's (raw) values; a variable without a
 * usable value is priced at its cap. Linear in the document: each fragment is measured once.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const defaults = new Map<string, unknown>();
  for (const variable of operation.variableDefinitions ?? []) {
    if (variable.defaultValue) defaults.set(variable.variable.name.value, literal(variable.defaultValue));
  }
  const valueOf = (node: ValueNode): unknown =>
    node.kind === Kind.VARIABLE ? (variables?.[node.name.value] ?? defaults.get(node.name.value)) : literal(node);
  // A fragment's measure does not depend on where it is spread (depth is counted from the spread).
  const memo = new Map<string, Measure | 'measuring'>();

  const fieldMeasure = (field: FieldNode, parent: GraphQLNamedType | undefined, nesting: number): Measure => {
    const definition = fieldOf(parent, field.name.value);
    const inner = selections(field.selectionSet, definition ? getNamedType(definition.type) : undefined, nesting);
    const argument = (name: string, cap: number): number => {
      const given = field.arguments?.find((arg) => arg.name.value === name);
      const value = given ? valueOf(given.value) : undefined;
      // An argument left out, or given a variable the request left out, takes its SDL default.
      return priced(value === undefined ? defaultOf(definition?.args.find((arg) => arg.name === name)) : value, cap);
    };
    const pageSize = definition?.args.some((arg) => arg.name === 'first') ? argument('first', MAX_PAGE) : 1;
    const traversal = parent === schema.getQueryType() ? TRAVERSALS[field.name.value] : undefined;
    const work = traversal === 'hops' ? HOP_COST * argument('maxDepth', MAX_DEPTH) : traversal === 'bom' ? BOM_COST : 0;
    return {
      depth: 1 + inner.depth,
      cost: capped(1 + work + inner.cost * pageSize),
      traversals: inner.traversals + (traversal ? 1 : 0),
    };
  };

  const fragmentMeasure = (name: string, nesting: number): Measure => {
    const known = memo.get(name);
    // In progress: a fragment spread inside itself, which validation refuses; measured as empty here.
    if (known === 'measuring') return { depth: 0, cost: 0, traversals: 0 };
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return { depth: 0, cost: 0, traversals: 0 };
    if (nesting >= MAX_SPREAD_NESTING) {
      throw new GraphQLError(`fragments are spread inside one another more than ${MAX_SPREAD_NESTING} deep`, {
        extensions: { code: 'QUERY_TOO_DEEP' },
      });
    }
    memo.set(name, 'measuring');
    const measured = selections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), nesting + 1);
    memo.set(name, measured);
    return measured;
  };

  const selections = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, nesting: number): Measure => {
    let depth = 0;
    let cost = 0;
    let traversals = 0;
    for (const selection of set?.selections ?? []) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        inner = fieldMeasure(selection, parent, nesting);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        inner = fragmentMeasure(selection.name.value, nesting);
      } else {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        inner = selections(selection.selectionSet, condition ?? undefined, nesting);
      }
      depth = Math.max(depth, inner.depth);
      cost = capped(cost + inner.cost);
      traversals += inner.traversals;
    }
    return { depth, cost, traversals };
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return selections(operation.selectionSet, root ?? undefined, 0);
}

/** Gate 2: depth and traversal count; variable-independent, so its verdict may be cached with the document. */
export function structureError(schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits): GraphQLError | null {
  for (const operation of operations(document)) {
    let measured: Measure;
    try {
      measured = measureOperation(schema, document, operation, undefined);
    } catch (error) {
      if (error instanceof GraphQLError) return error;
      throw error;
    }
    if (measured.depth > limits.maxDepth) {
      return new GraphQLError(`the query is ${measured.depth} levels deep; the limit is ${limits.maxDepth}`, {
        extensions: { code: 'QUERY_TOO_DEEP' },
      });
    }
    if (measured.traversals > limits.maxTraversals) {
      return new GraphQLError(
        `the query asks for ${measured.traversals} traversals (lineage, incidentTrace, modelsTrainedOn, aiBom); at most ${limits.maxTraversals} are accepted in one operation`,
        { extensions: { code: 'QUERY_TOO_COSTLY' } },
      );
    }
  }
  return null;
}

/** Gate 3: the cost of the operation about to run, with the request's variables. */
export function costError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
  limits: QueryLimits,
): GraphQLError | null {
  const chosen = operations(document).filter((op) => !operationName || op.name?.value === operationName);
  for (const operation of chosen) {
    const { cost } = measureOperation(schema, document, operation, variables);
    if (cost > limits.maxCost) {
      const shown = cost >= COST_CEILING ? 'more than 10^15' : String(cost);
      return new GraphQLError(
        `the query would cost ${shown}; the limit is ${limits.maxCost} (lower \`first\` or \`maxDepth\`, or select fewer fields)`,
        { extensions: { code: 'QUERY_TOO_COSTLY' } },
      );
    }
  }
  return null;
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source) => limitedParse(typeof source === 'string' ? source : source.body, limits));
    },
    onValidate({ params, setResult }) {
      const refused = structureError(params.schema, params.documentAST, limits);
      if (refused) setResult([refused]);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues as Readonly<Record<string, unknown>> | undefined;
      const refused = costError(args.schema, args.document, args.operationName, variables, limits);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
  };
}

function operations(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

function fieldOf(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

/** An argument's SDL default (a literal in an SDL-built schema, a value in a coded one). */
function defaultOf(argument: GraphQLArgument | undefined): unknown {
  const given = argument?.default;
  if (!given) return undefined;
  return given.literal ? literal(given.literal) : given.value;
}

/** A count argument's price: its value when it is a usable integer, else the cap (the most it could be). */
function priced(value: unknown, cap: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, cap) : cap;
}

function literal(node: ValueNode): unknown {
  return node.kind === Kind.INT ? Number(node.value) : undefined;
}
