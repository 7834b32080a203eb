// GraphQL depth and cost limits, checked at validation time before any resolver runs, so one request
// cannot ask for an unbounded tree or millions of rows. Cost counts every selected field once, and a
// field with a `first` argument multiplies the cost of what it selects by that page size (default 100).
import {
  GraphQLError,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_PAGE } from './resolvers/pagination.ts';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

/** What `first` means when it is absent (the SDL default) or a variable (unknown at validation: assume the cap). */
const DEFAULT_PAGE = 100;
const VARIABLE_PAGE = MAX_PAGE;

/** The fields the schema gives a `first` argument (the `XConnection` fields), read from the SDL once per schema. */
const paginated = new WeakMap<GraphQLSchema, ReadonlySet<string>>();
function paginatedFields(schema: GraphQLSchema): ReadonlySet<string> {
  let fields = paginated.get(schema);
  if (fields === undefined) {
    fields = new Set(
      Object.values(schema.getTypeMap())
        .filter(isObjectType)
        .flatMap((type) => Object.values(type.getFields()))
        .filter((field) => field.args.some((arg) => arg.name === 'first'))
        .map((field) => field.name),
    );
    paginated.set(schema, fields);
  }
  return fields;
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule((context: ValidationContext) => limitRule(context, limits));
    },
  };
}

function limitRule(context: ValidationContext, limits: QueryLimits): ASTVisitor {
  const paginatedField = paginatedFields(context.getSchema());
  return {
    OperationDefinition(operation) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const measure = (
        set: SelectionSetNode | undefined,
        depth: number,
        seen: ReadonlySet<string>,
      ): { depth: number; cost: number } => {
        if (!set) return { depth, cost: 0 };
        let deepest = depth;
        let cost = 0;
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            if (selection.name.value.startsWith('__')) continue;
            const inner = measure(selection.selectionSet, depth + 1, seen);
            deepest = Math.max(deepest, inner.depth);
            cost += 1 + inner.cost * pageSize(paginatedField.has(selection.name.value), selection.arguments ?? []);
          } else {
            const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
            // A fragment spread inside itself is a validation error elsewhere; here it just stops.
            if (name !== null && seen.has(name)) continue;
            const inner = measure(
              name !== null
                ? fragments.get(name)?.selectionSet
                : selection.kind === Kind.INLINE_FRAGMENT
                  ? selection.selectionSet
                  : undefined,
              depth,
              name !== null ? new Set([...seen, name]) : seen,
            );
            deepest = Math.max(deepest, inner.depth);
            cost += inner.cost;
          }
        }
        return { depth: deepest, cost };
      };
      const { depth, cost } = measure(operation.selectionSet, 0, new Set());
      if (depth > limits.maxDepth) {
        context.reportError(
          new GraphQLError(`the query is ${depth} levels deep; the limit is ${limits.maxDepth}`, {
            extensions: { code: 'QUERY_TOO_DEEP' },
          }),
        );
      } else if (cost > limits.maxCost) {
        context.reportError(
          new GraphQLError(
            `the query would cost ${cost}; the limit is ${limits.maxCost} (lower \`first\` or select fewer fields)`,
            {
              extensions: { code: 'QUERY_TOO_COSTLY' },
            },
          ),
        );
      }
    },
  };
}

function pageSize(paginated: boolean, args: readonly { name: { value: string }; value: { kind: string } }[]): number {
  const first = args.find((arg) => arg.name.value === 'first');
  if (!first) return paginated ? DEFAULT_PAGE : 1;
  const value = first.value as { kind: string; value?: string };
  if (value.kind === Kind.INT && value.value !== undefined) return Math.max(1, Number(value.value));
  return VARIABLE_PAGE;
}
