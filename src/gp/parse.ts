// Parser for the infix text that printInfix writes: numbers, feature names, + − * /, unary
// minus, parentheses and calls of unary primitives (sin, cos, exp, log, sqrt, square, tanh,
// with their protected meaning). Feature names are matched longest first before anything
// else, so names with spaces or brackets such as `area (m2)` parse as one variable.
import { InputError } from '../core/errors.js';
import { call, constant, exprToProgram, variable, type Expr } from './expr.js';
import type { Program } from './program.js';
import { isPrimitiveName, PRIMITIVES } from './primitives.js';

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'feature'; readonly feature: number; readonly at: number }
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | { readonly kind: 'symbol'; readonly symbol: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

function fail(expected: string, token: Token, text: string): never {
  const found = token.kind === 'end' ? 'end of text' : `'${text.slice(token.at, token.at + 12)}'`;
  throw new InputError(`parseInfix: ${expected} expected at column ${token.at + 1}, got ${found}`);
}

/** Finds the feature whose name starts at `at` and ends at a word boundary, longest first. */
function matchFeature(
  text: string,
  at: number,
  byLength: readonly [string, number][],
): [number, number] | null {
  for (const [name, j] of byLength) {
    if (!text.startsWith(name, at)) continue;
    const next = text.charAt(at + name.length);
    const last = name.charAt(name.length - 1);
    if (IDENTIFIER_CHAR.test(last) && next !== '' && IDENTIFIER_CHAR.test(next)) continue;
    return [j, name.length];
  }
  return null;
}

function tokenize(text: string, featureNames: readonly string[]): Token[] {
  const byLength: [string, number][] = featureNames.map((name, j): [string, number] => [name, j]);
  byLength.sort((p, q) => q[0].length - p[0].length);
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at])) {
      at++;
      continue;
    }
    const rest = text.slice(at);
    const identifier = IDENTIFIER.exec(rest)?.[0];
    const isCall = identifier !== undefined && /^\s*\(/.test(rest.slice(identifier.length));
    const feature = isCall && isPrimitiveName(identifier) ? null : matchFeature(text, at, byLength);
    const number = NUMBER.exec(rest)?.[0];
    if (feature !== null) {
      tokens.push({ kind: 'feature', feature: feature[0], at });
      at += feature[1];
    } else if (number !== undefined) {
      const value = Number(number);
      if (!Number.isFinite(value)) {
        throw new InputError(
          `parseInfix: a finite number expected at column ${at + 1}, got ${number}; ` +
            'write a smaller constant',
        );
      }
      tokens.push({ kind: 'number', value, at });
      at += number.length;
    } else if (identifier !== undefined) {
      tokens.push({ kind: 'name', name: identifier, at });
      at += identifier.length;
    } else if ('+-*/()'.includes(text[at])) {
      tokens.push({ kind: 'symbol', symbol: text[at], at });
      at++;
    } else {
      fail(
        'a number, feature name, operator or parenthesis',
        { kind: 'symbol', symbol: text[at], at },
        text,
      );
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/** Recursive-descent parser over the token list; precedence: sums < products < unary minus. */
class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  parseAll(): Expr {
    const expr = this.sum();
    const token = this.peek();
    if (token.kind !== 'end') fail('an operator or end of text', token, this.text);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private takeSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind === 'symbol' && token.symbol === symbol) {
      this.position++;
      return true;
    }
    return false;
  }

  private sum(): Expr {
    let left = this.product();
    for (;;) {
      if (this.takeSymbol('+')) left = call('add', left, this.product());
      else if (this.takeSymbol('-')) left = call('sub', left, this.product());
      else return left;
    }
  }

  private product(): Expr {
    let left = this.unary();
    for (;;) {
      if (this.takeSymbol('*')) left = call('mul', left, this.unary());
      else if (this.takeSymbol('/')) left = call('div', left, this.unary());
      else return left;
    }
  }

  private unary(): Expr {
    if (!this.takeSymbol('-')) return this.primary();
    const token = this.peek();
    if (token.kind === 'number') {
      this.position++;
      return constant(-token.value);
    }
    return call('neg', this.unary());
  }

  private primary(): Expr {
    const token = this.peek();
    if (token.kind === 'number') {
      this.position++;
      return constant(token.value);
    }
    if (token.kind === 'feature') {
      this.position++;
      return variable(token.feature);
    }
    if (this.takeSymbol('(')) {
      const inner = this.sum();
      if (!this.takeSymbol(')')) fail("')'", this.peek(), this.text);
      return inner;
    }
    if (token.kind === 'name') return this.call(token.name, token);
    return fail('a number, feature name, function call or parenthesis', token, this.text);
  }

  private call(name: string, token: Token): Expr {
    if (!isPrimitiveName(name) || PRIMITIVES[name].arity !== 1) {
      fail('a feature name or one of sin, cos, exp, log, sqrt, square, tanh', token, this.text);
    }
    this.position++;
    if (!this.takeSymbol('(')) fail(`'(' after ${name}`, this.peek(), this.text);
    const arg = this.sum();
    if (!this.takeSymbol(')')) fail("')'", this.peek(), this.text);
    return call(name, arg);
  }
}

/** Parses infix text into an expression tree. Throws InputError naming the column. */
export function parseInfixExpr(text: string, featureNames: readonly string[]): Expr {
  return new Parser(tokenize(text, featureNames), text).parseAll();
}

/**
 * Parses infix text (as printed by toInfix) into a postfix program over the features named in
 * `featureNames` (feature j is `featureNames[j]`). Throws InputError naming the column of the
 * first problem.
 */
export function parseInfix(text: string, featureNames: readonly string[]): Program {
  return exprToProgram(parseInfixExpr(text, featureNames));
}
