import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { readTemplates, StackTemplate } from './private/assembly';
import { buildGraph } from './private/build';
import { renderDot } from './private/dot';
import { renderMermaid } from './private/mermaid';

/**
 * What a node of an access graph is.
 */
export enum AccessNodeKind {
  /** An IAM role of the app. */
  ROLE = 'role',
  /** An IAM user of the app. */
  USER = 'user',
  /** An AWS service principal, such as `redshift.amazonaws.com`. */
  SERVICE = 'service',
  /** A whole AWS account (its root principal). */
  ACCOUNT = 'account',
  /** An IAM principal outside the app, by ARN. */
  EXTERNAL_PRINCIPAL = 'external-principal',
  /** An IAM Identity Center group (identity store id). */
  IDENTITY_CENTER_GROUP = 'idc-group',
  /** An IAM Identity Center user (identity store id). */
  IDENTITY_CENTER_USER = 'idc-user',
  /** An analytics resource: a warehouse, database user, secret, S3 prefix, table, grant location... */
  RESOURCE = 'resource',
}

/**
 * What an edge of an access graph means.
 */
export enum AccessEdgeKind {
  /** The source may assume the target role (its trust policy): the actions are the STS ones. */
  ASSUME = 'assume',
  /** The source role or user may call the actions on the target resource (its identity policies). */
  ACCESS = 'access',
  /** The target is granted to the source outside IAM (S3 Access Grants, Lake Formation, IdC assignments). */
  GRANT = 'grant',
}

/**
 * A principal or a resource.
 */
export interface AccessGraphNode {
  /** Stable id: `<stack>/<logical id>` for resources of the app, the ARN or service name otherwise. */
  readonly id: string;
  /** What it is. */
  readonly kind: AccessNodeKind;
  /** What to show. */
  readonly label: string;
  /**
   * The stack (display name) that defines it.
   *
   * @default - not in the app
   */
  readonly stack?: string;
}

/**
 * Who may do what to whom.
 */
export interface AccessGraphEdge {
  /** The principal's node id. */
  readonly from: string;
  /** The role's or resource's node id. */
  readonly to: string;
  /** What the edge means. */
  readonly kind: AccessEdgeKind;
  /** The actions (or the grant's permission), sorted. */
  readonly actions: string[];
  /** The condition keys the permission depends on, sorted (e.g. `sts:ExternalId`, `aws:SourceArn`). */
  readonly conditions: string[];
}

/**
 * The access an app grants, read from its synthesized templates: principals (roles, users,
 * services, accounts, IAM Identity Center groups), the roles they may assume (with the session
 * actions and the condition keys of each trust statement), and what each role may do on
 * analytics resources (Redshift, the Data API, Secrets Manager, S3, DynamoDB, Lake Formation,
 * Athena, Glue, S3 Access Grants). References across stacks (exports) and accounts (role ARNs of
 * another stack's account) are joined. Renders as Mermaid, Graphviz DOT, SVG or JSON.
 *
 * @example
 * const graph = AccessGraph.fromAssemblyDirectory('cdk.out');
 * fs.writeFileSync('access.mmd', graph.toMermaid());
 */
export class AccessGraph {
  /** The graph of a synthesized cloud assembly directory (`cdk.out`), nested stages included. */
  public static fromAssemblyDirectory(directory: string): AccessGraph {
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
      throw new Error(`${directory} is not a directory: give the cloud assembly directory that cdk synth writes (cdk.out).`);
    }
    if (!fs.existsSync(path.join(directory, 'manifest.json'))) {
      throw new Error(`${directory} has no manifest.json: give the cloud assembly directory that cdk synth writes (cdk.out).`);
    }
    let assembly: cxapi.CloudAssembly;
    try {
      assembly = new cxapi.CloudAssembly(directory);
    } catch (error) {
      throw new Error(`${directory} is not a readable cloud assembly (${(error as Error).message}): give the cloud assembly directory that cdk synth writes (cdk.out).`);
    }
    return new AccessGraph(readTemplates(assembly));
  }

  /** The graph of an app or stage, which this synthesizes. */
  public static fromStage(stage: Stage): AccessGraph {
    return new AccessGraph(readTemplates(stage.synth()));
  }

  /** The nodes, sorted by id. */
  public readonly nodes: AccessGraphNode[];
  /** The edges, sorted by source, target and kind. */
  public readonly edges: AccessGraphEdge[];

  private constructor(templates: StackTemplate[]) {
    const { nodes, edges } = buildGraph(templates);
    this.nodes = nodes;
    this.edges = edges;
  }

  /** Mermaid flowchart text (renders on GitHub and in most docs); the same graph gives the same text. */
  public toMermaid(): string {
    return renderMermaid(this.nodes, this.edges);
  }

  /** Graphviz DOT text, one cluster per stack; the same graph gives the same text. */
  public toDot(): string {
    return renderDot(this.nodes, this.edges);
  }

  /**
   * An SVG picture, laid out by Graphviz compiled to WebAssembly (no native binary); the same
   * graph gives the same SVG.
   */
  public async toSvg(): Promise<string> {
    // The CommonJS build of viz.js (bundled): Graphviz in WebAssembly.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const viz = await (require('@viz-js/viz') as { instance(): Promise<{ renderString(dot: string, options: object): string }> }).instance();
    return viz.renderString(this.toDot(), { format: 'svg', engine: 'dot' });
  }

  /** The nodes and edges as JSON. */
  public toJson(): string {
    return `${JSON.stringify({ nodes: this.nodes, edges: this.edges }, undefined, 2)}\n`;
  }
}
