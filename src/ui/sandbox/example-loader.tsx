import { useGraphiQL } from '@graphiql/react';
import { useEffect, useRef } from 'react';

import { exampleQuery } from './example-query.js';

/**
 * Puts an example operation for the served graph in the editor once the schema has been
 * introspected, if the editor still holds the welcome text: a first visit opens with something to
 * run. A query the user wrote (or one GraphiQL kept from an earlier visit) is left alone.
 */
export function ExampleLoader({ welcome }: { welcome: string }) {
  const schema = useGraphiQL((state) => state.schema);
  const editor = useGraphiQL((state) => state.queryEditor);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !schema || !editor) return;
    done.current = true;
    // Only the untouched welcome text: an empty editor may be one the user is about to paste into.
    if (editor.getValue() !== welcome) return;
    const example = exampleQuery(schema);
    if (example !== undefined) editor.setValue(`${welcome}\n${example}`);
  }, [schema, editor, welcome]);
  return null;
}
