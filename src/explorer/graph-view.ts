// The drawing: cytoscape with the dagre layered layout (edges point from the dependent thing to what it depends
// on, so `RL` puts sources on the left and what was built from them on the right). Nodes are styled by kind,
// edges by relationship; unverified edges and unsigned artifacts are drawn dashed in warning colours, affected
// nodes of an incident trace in red. Selecting an element reports it; the lists beside the graph do the same
// from the keyboard.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { DrawPlan } from './graph-model.ts';

cytoscape.use(dagre);

export type Selection = { readonly kind: 'node'; readonly id: string } | { readonly kind: 'edge'; readonly id: string };

const KIND_STYLES: Record<string, Record<string, string | number>> = {
  model: { shape: 'round-rectangle', 'background-color': '#2563eb', color: '#0b1f4d' },
  dataset: { shape: 'barrel', 'background-color': '#059669', color: '#053b2b' },
  package: { shape: 'hexagon', 'background-color': '#d97706', color: '#4a2a00' },
  run: { shape: 'diamond', 'background-color': '#7c3aed', color: '#2e1065' },
  builder: { shape: 'tag', 'background-color': '#6b7280', color: '#1f2937' },
  file: { shape: 'rectangle', 'background-color': '#94a3b8', color: '#1e293b' },
  artifact: { shape: 'ellipse', 'background-color': '#9ca3af', color: '#1f2937' },
};

const EDGE_COLOURS: Record<string, string> = {
  derived_from: '#1d4ed8',
  trained_on: '#047857',
  built_with: '#b45309',
  used: '#64748b',
  evaluated_on: '#0e7490',
  produced_by: '#7c3aed',
  contains: '#94a3b8',
  signed: '#111827',
};

function stylesheet(): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 11,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        // Names share long prefixes (acme/foundation-7b-…): wrap them whole rather than cut the part that differs.
        'text-wrap': 'wrap',
        'text-overflow-wrap': 'anywhere',
        'text-max-width': '130px',
        width: 30,
        height: 30,
        'border-width': 2,
        'border-color': '#ffffff',
      },
    },
    ...Object.entries(KIND_STYLES).map(([kind, style]) => ({ selector: `node.${kind}`, style })),
    { selector: 'node.root', style: { 'border-width': 4, 'border-color': '#111827', width: 38, height: 38 } },
    {
      selector: 'node.unsigned',
      style: { 'border-style': 'dashed', 'border-color': '#b45309', 'border-width': 3, 'background-opacity': 0.45 },
    },
    {
      selector: 'node.affected',
      style: {
        'background-color': '#dc2626',
        'border-color': '#7f1d1d',
        'border-width': 4,
        color: '#7f1d1d',
        'font-weight': 'bold',
      },
    },
    {
      selector: 'node.compromised',
      style: { 'background-color': '#111827', 'border-color': '#dc2626', 'border-width': 5, shape: 'octagon' },
    },
    {
      selector: 'node.aggregate',
      style: {
        shape: 'round-rectangle',
        width: 'label',
        padding: '10px',
        'background-color': '#e5e7eb',
        'border-color': '#6b7280',
        'border-style': 'double',
        'border-width': 4,
        'text-valign': 'center',
        'text-margin-y': 0,
        'text-wrap': 'wrap',
        'text-max-width': '160px',
        height: 44,
        'font-size': 15,
        'font-weight': 'bold',
        color: '#111827',
      },
    },
    {
      selector: 'node.aggregate.affected',
      style: { 'background-color': '#fee2e2', 'border-color': '#dc2626', color: '#7f1d1d' },
    },
    // A crowded rank (graph-model.ts, LABEL_CAP): small nodes, names only on hover or selection.
    { selector: 'node.crowded', style: { width: 16, height: 16, 'border-width': 2, label: '' } },
    {
      selector: 'node.crowded.hover, node.crowded:selected',
      style: {
        label: 'data(label)',
        'z-index': 10,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.9,
        'text-background-padding': '2px',
      },
    },
    { selector: 'node:selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.35, 'overlay-padding': 6 } },
    {
      selector: 'edge',
      style: {
        width: 2,
        'curve-style': 'bezier',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        label: 'data(label)',
        'font-size': 9,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': '1px',
        color: '#374151',
      },
    },
    ...Object.entries(EDGE_COLOURS).map(([type, colour]) => ({
      selector: `edge.${type}`,
      style: { 'line-color': colour, 'target-arrow-color': colour },
    })),
    { selector: 'edge.used, edge.produced_by, edge.contains', style: { 'line-style': 'dotted' } },
    {
      selector: 'edge.unverified',
      style: { 'line-style': 'dashed', 'line-color': '#dc2626', 'target-arrow-color': '#dc2626', color: '#b91c1c', width: 3 },
    },
    { selector: 'edge.rejected', style: { 'line-color': '#7f1d1d', 'target-arrow-shape': 'tee', width: 3 } },
    { selector: 'edge.crowded', style: { 'text-opacity': 0, width: 1, 'arrow-scale': 0.6 } },
    {
      selector: 'edge.aggregate',
      style: { 'line-style': 'dashed', 'line-color': '#9ca3af', 'target-arrow-color': '#9ca3af', width: 2 },
    },
    { selector: 'edge:selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.35, 'overlay-padding': 4 } },
  ];
}

export interface GraphView {
  show(plan: DrawPlan): void;
  /** adds or removes a class on nodes by key (e.g. `unsigned` once signature statuses are known). */
  mark(className: string, keys: ReadonlySet<string>): void;
  select(id: string): void;
  /** the keys of nodes drawn with `className`: what the picture shows, read back from the drawing itself. */
  keysWith(className: string): string[];
  fit(): void;
  /** removes everything drawn. */
  clear(): void;
}

export function createGraphView(container: HTMLElement, onSelect: (selection: Selection) => void): GraphView {
  const cy = cytoscape({
    container,
    style: stylesheet(),
    minZoom: 0.1,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    selectionType: 'single',
    boxSelectionEnabled: false,
  });
  cy.on('tap', 'node', (event) => {
    if (!(event.target as cytoscape.NodeSingular).hasClass('aggregate'))
      onSelect({ kind: 'node', id: event.target.id() as string });
  });
  cy.on('mouseover', 'node.crowded', (event) => (event.target as cytoscape.NodeSingular).addClass('hover'));
  cy.on('mouseout', 'node.crowded', (event) => (event.target as cytoscape.NodeSingular).removeClass('hover'));
  cy.on('tap', 'edge', (event) => {
    if (!(event.target as cytoscape.EdgeSingular).hasClass('aggregate'))
      onSelect({ kind: 'edge', id: event.target.id() as string });
  });
  const publish = (): void => {
    // Read back from the drawing, so tests and assistive summaries see what is drawn, not what was meant to be.
    container.dataset['nodes'] = String(cy.nodes().length);
    container.dataset['edges'] = String(cy.edges().length);
    container.dataset['aggregates'] = String(cy.nodes('.aggregate').length);
  };
  return {
    show(plan) {
      cy.batch(() => {
        cy.elements().remove();
        cy.add(plan.elements.map((e) => ({ group: e.group, data: { ...e.data }, classes: e.classes })));
      });
      const aggregated = plan.aggregates.length > 0;
      cy.layout({
        name: 'dagre',
        rankDir: 'RL',
        // Unlabelled nodes of a crowded rank sit close; labelled ones need room for their names below them.
        nodeSep: plan.elements.some((e) => e.classes.split(' ').includes('crowded')) ? 8 : 36,
        // A chain of aggregates sets the drawing's width, and so how far the fit shrinks it: its ranks sit close, with
        // the names of the nodes drawn one by one counted in their size so they do not run into the next rank.
        // Individual nodes alone get room for their edge labels.
        rankSep: aggregated ? 30 : 150,
        nodeDimensionsIncludeLabels: aggregated,
        animate: false,
        fit: true,
        padding: 24,
      } as cytoscape.LayoutOptions).run();
      // Fitting a handful of nodes would blow them up to poster size.
      if (cy.zoom() > 1.25) {
        cy.zoom(1.25);
        cy.center();
      }
      publish();
    },
    mark(className, keys) {
      cy.batch(() => {
        cy.nodes().forEach((node) => {
          if (keys.has(node.data('key') as string)) node.addClass(className);
          else node.removeClass(className);
        });
      });
      publish();
    },
    select(id) {
      cy.elements().unselect();
      const element = cy.getElementById(id);
      if (element.nonempty()) {
        element.select();
        cy.animate({ center: { eles: element } }, { duration: 150 });
      }
    },
    keysWith(className) {
      // Aggregates carry no key: they stand for many nodes, none of them drawn.
      return cy
        .nodes(`.${className}`)
        .map((node) => node.data('key') as string | undefined)
        .filter((key): key is string => key !== undefined);
    },
    fit() {
      cy.resize();
      cy.fit(undefined, 24);
    },
    clear() {
      cy.elements().remove();
      publish();
    },
  };
}
