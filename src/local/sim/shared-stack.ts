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
    /** Parameters given a value (the others take their default). */
    private readonly parameters: Record<string, string> = {},
  ) {}

  /** Whether condition `name` of the template holds. */
  condition(name: string): boolean {
    if (!Object.hasOwn(this.template.Conditions, name))
      throw new Error(`infra/shared.yaml has no condition ${name}`);
    return this.truth(this.template.Conditions[name]);
  }

  /** Whether resource `logicalId` is made (it has no condition, or its condition holds). */
  creates(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  private truth(value: Json): boolean {
    if (!isRecord(value)) throw new Error(`infra/shared.yaml: ${JSON.stringify(value)} is not a condition`);
    const [key] = Object.keys(value);
    const argument = value[key ?? ''];
    const list = Array.isArray(argument) ? argument : [];
    if (key === 'Condition' && typeof argument === 'string') return this.condition(argument);
    if (key === 'Fn::Equals') return String(this.value(list[0])) === String(this.value(list[1]));
    if (key === 'Fn::Not') return !this.truth(list[0]);
    if (key === 'Fn::And') return list.every((item) => this.truth(item));
    if (key === 'Fn::Or') return list.some((item) => this.truth(item));
    throw new Error(`infra/shared.yaml: condition function ${key} is not known to the simulator`);
  }

  /** Records what a resource answers to `Ref` / `Fn::GetAtt`. */
  record(logicalId: string, resource: MadeResource): void {
    this.made.set(logicalId, resource);
  }

  private ref(name: string): string {
    if (this.pseudo[name] !== undefined) return this.pseudo[name];
    const parameter = this.template.Parameters[name];
    if (parameter) return this.parameters[name] ?? String(parameter.Default ?? '');
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
      if (key === 'Fn::If' && Array.isArray(argument)) {
        const [condition, whenTrue, whenFalse] = argument;
        return this.value(this.condition(String(condition)) ? whenTrue : whenFalse);
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
      Object.entries(this.template.Outputs)
        .filter(([, output]) => typeof output.Condition !== 'string' || this.condition(output.Condition))
        .map(([key, output]) => [key, String(this.value(output.Value))]),
    );
  }
}

/** The evaluator of infra/shared.yaml for a stack named `stackName`. */
export const sharedStack = (
  stackName: string,
  region: string,
  accountId: string,
  parameters: Record<string, string> = {},
): StackEvaluator =>
  new StackEvaluator(
    readTemplate(),
    {
      'AWS::StackName': stackName,
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::Partition': 'aws',
    },
    new Map(),
    parameters,
  );
