import path from 'node:path';
import ts from 'typescript';
import type { TableAction } from '../../infra/workloads.ts';

/**
 * The DynamoDB actions a handler's code can issue, read from the code itself (TypeScript's type
 * checker), so a test can hold each function's IAM grant to what its operation really does.
 *
 * From the handler's `handler` export it follows every function, method, accessor, class field
 * and constant the code refers to (calls, callbacks, `new`; a method of an interface leads to
 * the classes that implement it), never type annotations, and collects the DynamoDB commands
 * constructed on the way. A TransactWriteItems adds the item kinds (`Put`, `Update`, `Delete`,
 * `ConditionCheck`) the reached code builds. It over-approximates (a branch never taken still
 * counts, and so does an item kind built for another write of the same function), which is the
 * safe side for a grant: the set is what the code may issue.
 */
export class DynamoDbCallGraph {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly implementers = new Map<ts.Symbol, ts.ClassLikeDeclaration[]>();

  constructor(
    private readonly root: string,
    entries: readonly string[],
  ) {
    const configPath = path.join(root, 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
    this.program = ts.createProgram(
      entries.map((entry) => path.join(root, entry)),
      options,
    );
    this.checker = this.program.getTypeChecker();
    for (const file of this.projectFiles()) this.indexImplementers(file);
  }

  /** The table actions the handler module `entry` (repository-relative) can issue. */
  actionsOf(entry: string): Set<TableAction> {
    const file = this.program.getSourceFile(path.join(this.root, entry));
    if (!file) throw new Error(`${entry} is not part of the program`);
    const handler = this.checker.getExportsOfModule(this.checker.getSymbolAtLocation(file)!).find((s) => s.name === 'handler');
    if (!handler) throw new Error(`${entry} exports no handler`);

    const visited = new Set<ts.Node>();
    const pending: ts.Node[] = [...(handler.declarations ?? [])];
    const commands = new Set<string>();
    const transactionItems = new Set<string>();
    const follow = (symbol: ts.Symbol | undefined) => {
      for (const declaration of this.declarationsOf(symbol)) if (!visited.has(declaration)) pending.push(declaration);
    };

    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isImportDeclaration(node)) return;
      if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        const command = this.dynamoDbExport(node.expression);
        if (command) commands.add(command);
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && TRANSACTION_ITEM_ACTIONS[node.name.text] && !rewraps(node)) {
        transactionItems.add(node.name.text);
      }
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) follow(this.symbolAt(node));
      ts.forEachChild(node, visit);
    };

    while (pending.length > 0) {
      const declaration = pending.pop()!;
      if (visited.has(declaration)) continue;
      visited.add(declaration);
      for (const body of this.bodiesOf(declaration)) visit(body);
    }

    const actions = new Set<TableAction>();
    for (const command of commands) {
      if (command === 'TransactWriteCommand' || command === 'TransactWriteItemsCommand') {
        for (const item of transactionItems) actions.add(TRANSACTION_ITEM_ACTIONS[item]!);
        continue;
      }
      const action = COMMAND_ACTIONS[command];
      if (!action) throw new Error(`${entry}: no table action is known for the DynamoDB ${command}; add it to COMMAND_ACTIONS`);
      actions.add(action);
    }
    return actions;
  }

  private projectFiles(): ts.SourceFile[] {
    return this.program.getSourceFiles().filter((f) => this.isProjectFile(f));
  }

  private isProjectFile(file: ts.SourceFile): boolean {
    return !file.isDeclarationFile && !file.fileName.includes('/node_modules/') && file.fileName.startsWith(this.root);
  }

  private symbolAt(node: ts.Node): ts.Symbol | undefined {
    const symbol = this.checker.getSymbolAtLocation(node);
    return symbol && symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  /** The project's declarations a symbol stands for; a member of an interface also stands for the implementers' members. */
  private declarationsOf(symbol: ts.Symbol | undefined): ts.Declaration[] {
    const found: ts.Declaration[] = [];
    for (const declaration of symbol?.declarations ?? []) {
      if (!this.isProjectFile(declaration.getSourceFile())) continue;
      found.push(declaration);
      if ((ts.isMethodSignature(declaration) || ts.isPropertySignature(declaration)) && ts.isInterfaceDeclaration(declaration.parent)) {
        const iface = this.checker.getSymbolAtLocation(declaration.parent.name);
        const name = declaration.name.getText();
        for (const cls of (iface && this.implementers.get(iface)) ?? []) {
          found.push(...cls.members.filter((m) => m.name?.getText() === name));
        }
      }
    }
    return found;
  }

  /** What runs when a declaration is used: a function's body, a constant's initializer, a class's constructor and fields. */
  private bodiesOf(declaration: ts.Node): ts.Node[] {
    if (ts.isClassLike(declaration)) {
      return declaration.members.filter(
        (m) => ts.isConstructorDeclaration(m) || (ts.isPropertyDeclaration(m) && m.initializer !== undefined) || ts.isClassStaticBlockDeclaration(m),
      );
    }
    if (ts.isFunctionLike(declaration) || ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) {
      return [declaration];
    }
    if (ts.isPropertyAssignment(declaration) || ts.isShorthandPropertyAssignment(declaration)) return [declaration];
    return [];
  }

  /** The name of a DynamoDB SDK export (`QueryCommand`, `paginateQuery`) an expression refers to. */
  private dynamoDbExport(expression: ts.Expression): string | undefined {
    const symbol = this.symbolAt(expression);
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
    if (!/\/@aws-sdk\/(lib-dynamodb|client-dynamodb)\//.test(file)) return undefined;
    // Commands and paginators issue requests; clients, `from` and the like do not.
    return /Command$|^paginate/.test(symbol!.name) ? symbol!.name : undefined;
  }

  private indexImplementers(file: ts.SourceFile): void {
    const visit = (node: ts.Node): void => {
      if (ts.isClassLike(node)) {
        for (const clause of node.heritageClauses ?? []) {
          if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
          for (const type of clause.types) {
            const iface = this.symbolAt(type.expression);
            if (iface) this.implementers.set(iface, [...(this.implementers.get(iface) ?? []), node]);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}

/**
 * `{ Put: { TableName, ...part.Put } }` only passes on an item built elsewhere (the one place that
 * adds the table name to a transaction's parts): the kind counts where the item is built.
 */
function rewraps(assignment: ts.PropertyAssignment): boolean {
  const kind = (assignment.name as ts.Identifier).text;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === kind) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(assignment.initializer);
  return found;
}

/** DynamoDB SDK exports (document client and low-level) and the IAM action each needs. */
const COMMAND_ACTIONS: Readonly<Record<string, TableAction>> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  paginateQuery: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  paginateScan: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
};

/** TransactWriteItems needs the action of each kind of item it writes. */
const TRANSACTION_ITEM_ACTIONS: Readonly<Record<string, TableAction>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};
