import type { AccessGraphEdge, AccessGraphNode } from '../access-graph';

/** Most actions an edge label lists before "+N more" (as in the Mermaid rendering). */
const MAX_LABEL_ACTIONS = 4;

/** Node shapes by kind (Graphviz). */
const SHAPES: Record<string, string> = {
  'role': 'box, style="rounded"',
  'user': 'box, style="rounded"',
  'service': 'oval',
  'account': 'box3d',
  'external-principal': 'parallelogram',
  'idc-group': 'hexagon',
  'idc-user': 'hexagon',
  'resource': 'cylinder',
};

/** Edge styles: assume solid, access dashed, grant bold. */
const STYLES: Record<string, string> = { assume: 'solid', access: 'dashed', grant: 'bold' };

/**
 * The graph in Graphviz DOT, laid out left to right with one cluster per stack. Node ids are
 * positions in the sorted node list, so the same graph gives the same text (and the same SVG).
 */
export function renderDot(nodes: AccessGraphNode[], edges: AccessGraphEdge[]): string {
  const ids = new Map(nodes.map((node, index) => [node.id, `n${index}`]));
  const lines = [
    'digraph access {',
    '  rankdir=LR;',
    '  graph [fontname="Helvetica", fontsize=11];',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const line = (node: AccessGraphNode) => `${ids.get(node.id)} [label=${quote(node.label)}, shape=${SHAPES[node.kind] ?? 'box'}];`;
  const stacks = [...new Set(nodes.map((n) => n.stack).filter((s): s is string => s !== undefined))].sort();
  for (const node of nodes.filter((n) => n.stack === undefined)) {
    lines.push(`  ${line(node)}`);
  }
  stacks.forEach((stack, index) => {
    lines.push(`  subgraph cluster_${index} {`, `    label=${quote(stack)};`);
    for (const node of nodes.filter((n) => n.stack === stack)) {
      lines.push(`    ${line(node)}`);
    }
    lines.push('  }');
  });
  for (const edge of edges) {
    const shown = edge.actions.slice(0, MAX_LABEL_ACTIONS).map((a) => (a.startsWith('sts:') ? a.slice(4) : a));
    const more = edge.actions.length > MAX_LABEL_ACTIONS ? ` +${edge.actions.length - MAX_LABEL_ACTIONS} more` : '';
    const conditions = edge.conditions.length > 0 ? `\nif ${edge.conditions.join(', ')}` : '';
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${quote(`${shown.join(', ')}${more}${conditions}`)}, style=${STYLES[edge.kind] ?? 'solid'}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A DOT string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
