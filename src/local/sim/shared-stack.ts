/**
 * The shared stack as infra/shared.yaml declares it, for the simulated cloud to build: names,
 * sizes and settings are read from the template (one source), with its parameters at their defaults
 * and `AWS::StackName` the configured stack name. Only the intrinsics the template uses are evaluated.
 */
import { readTemplate, type Template } from '../../../infra/template.ts';

/** What a resource of the stack answers to `Ref` and `Fn::GetAtt`, once the simulator made it. */
export interface MadeResource {
  ref: string;
  attributes?: Record<string, string>;
}

type Json = unknown;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Evaluates CloudFormation values against parameters, pseudo parameters and made resources. */
export class StackEvaluator {
  constructor(
    readonly template: Template,
    private readonly pseudo: Record<string, string>,
    private readonly made: Map<string, MadeResource> = new Map(),
  ) {}

  /** Records what a resource answers to `Ref` / `Fn::GetAtt`. */
  record(logicalId: string, resource: MadeResource): void {
    this.made.set(logicalId, resource);
  }

  private ref(name: string): string {
    if (this.pseudo[name] !== undefined) return this.pseudo[name];
    const parameter = this.template.Parameters[name];
    if (parameter) return String(parameter.Default ?? '');
    const made = this.made.get(name);
    if (made) return made.ref;
    throw new Error(`infra/shared.yaml: Ref ${name} is not known to the simulator`);
  }

  private attribute(logicalId: string, attribute: string): string {
    const value = this.made.get(logicalId)?.attributes?.[attribute];
    if (value === undefined)
      throw new Error(`infra/shared.yaml: GetAtt ${logicalId}.${attribute} is not known`);
    return value;
  }

  /** The value `value` stands for. */
  value(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const argument = value[key ?? ''];
      if (key === 'Ref' && typeof argument === 'string') return this.ref(argument);
      if (key === 'Fn::GetAtt' && Array.isArray(argument)) {
        return this.attribute(String(argument[0]), String(argument[1]));
      }
      if (key === 'Fn::Sub' && typeof argument === 'string') {
        return argument.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const [id, attribute] = name.split('.');
          return attribute === undefined ? this.ref(name) : this.attribute(id ?? '', attribute);
        });
      }
      if (key === 'Fn::Join' && Array.isArray(argument)) {
        const [separator, parts] = argument;
        const evaluated = this.value(parts);
        return Array.isArray(evaluated) ? evaluated.map(String).join(String(separator)) : String(evaluated);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)]));
  }

  /** The evaluated properties of resource `logicalId`. */
  properties(logicalId: string): Record<string, Json> {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`infra/shared.yaml has no resource ${logicalId}`);
    const evaluated = this.value(resource.Properties);
    return isRecord(evaluated) ? evaluated : {};
  }

  /** Every output, evaluated. */
  outputs(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.template.Outputs).map(([key, output]) => [key, String(this.value(output.Value))]),
    );
  }
}

/** The evaluator of infra/shared.yaml for a stack named `stackName`. */
export const sharedStack = (stackName: string, region: string, accountId: string): StackEvaluator =>
  new StackEvaluator(readTemplate(), {
    'AWS::StackName': stackName,
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::Partition': 'aws',
  });
